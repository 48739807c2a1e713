package dev.capstan.health;

import dev.capstan.errors.RootCause;
import dev.capstan.store.schema.SchemaMigration;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The control plane's health: can it reach its database (with the schema in place), and is its
 * message broker accepting connections. Each check is cheap and bounded in time.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class HealthChecks {

  public static final String DATABASE = "database";
  public static final String MESSAGING = "messaging";
  private static final int DATABASE_TIMEOUT_SECONDS = 2;

  @Resource(lookup = "java:jboss/datasources/CapstanDS")
  private DataSource dataSource;

  @Resource(lookup = "java:jboss/DefaultJMSConnectionFactory")
  private ConnectionFactory connectionFactory;

  @Inject
  private SchemaMigration schema;

  /** Every check, in a fixed order. */
  public List<HealthCheck> all() {
    return List.of(database(), messaging());
  }

  public HealthCheck database() {
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.isValid(DATABASE_TIMEOUT_SECONDS)) {
        return HealthCheck.failed(DATABASE, "connection is not valid");
      }
    } catch (SQLException | RuntimeException e) {
      return HealthCheck.failed(DATABASE, RootCause.message(e));
    }
    Optional<String> problem = schema.problem();
    return problem.map(p -> HealthCheck.failed(DATABASE, "schema not migrated: " + p))
        .orElseGet(() -> HealthCheck.ok(DATABASE));
  }

  public HealthCheck messaging() {
    try (JMSContext context = connectionFactory.createContext()) {
      context.createProducer();
      return HealthCheck.ok(MESSAGING);
    } catch (RuntimeException e) {
      return HealthCheck.failed(MESSAGING, RootCause.message(e));
    }
  }
}
