package dev.capstan.store.schema;

import dev.capstan.errors.RootCause;
import dev.capstan.store.entity.StoredObject;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the database schema up to date with Flyway when the control plane starts.
 *
 * <p>The database may be unreachable at boot (it starts later, or is restarting). The deployment
 * still succeeds: readiness reports {@code database} as failing with the reason, and a
 * non-persistent timer retries every few seconds until the migration succeeds. Several servers
 * may start at once against one database; Flyway serialises them with a PostgreSQL advisory
 * lock, and the late ones find nothing left to do.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SchemaMigration {

  private static final Logger LOG = Logger.getLogger(SchemaMigration.class.getName());
  private static final long RETRY_MILLIS = 3_000;

  @Resource(lookup = "java:jboss/datasources/CapstanDS")
  private DataSource dataSource;

  @Resource
  private TimerService timerService;

  @Inject
  private Event<SchemaReady> schemaReady;

  private volatile boolean migrated;
  private volatile String lastError = "schema migration has not run yet";

  @PostConstruct
  void migrateAtStartup() {
    if (!tryMigrate()) {
      timerService.createIntervalTimer(RETRY_MILLIS, RETRY_MILLIS, new TimerConfig(null, false));
    }
  }

  @Timeout
  void retry(Timer timer) {
    if (tryMigrate()) {
      timer.cancel();
    }
  }

  /** True once the schema is at the version this build expects. */
  public boolean isMigrated() {
    return migrated;
  }

  /** Why the schema is not ready, if it is not. */
  public Optional<String> problem() {
    return migrated ? Optional.empty() : Optional.of(lastError);
  }

  private synchronized boolean tryMigrate() {
    if (migrated) {
      return true;
    }
    try {
      Flyway flyway = Flyway.configure(StoredObject.class.getClassLoader())
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load();
      MigrateResult result = flyway.migrate();
      LOG.info(() -> "Database schema at version " + flyway.info().current().getVersion()
          + " (" + result.migrationsExecuted + " migrations applied now)");
      migrated = true;
      schemaReady.fire(new SchemaReady());
      return true;
    } catch (RuntimeException e) {
      lastError = RootCause.message(e);
      LOG.warning(() -> "Database schema migration failed, retrying in "
          + RETRY_MILLIS / 1000 + " s: " + lastError);
      return false;
    }
  }
}
