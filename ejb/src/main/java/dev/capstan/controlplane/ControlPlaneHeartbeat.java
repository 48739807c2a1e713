package dev.capstan.controlplane;

import dev.capstan.store.entity.ControlPlaneInstance;
import dev.capstan.store.schema.SchemaMigration;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * Records every few seconds that this control-plane server is alive, in its own row of
 * {@code control_plane_instance}. Leader election and component health read these rows.
 *
 * <p>A non-persistent schedule on every server: each instance beats for itself, so there is
 * nothing to elect here. The instance is named by {@code jboss.node.name}, which each server of
 * one installation must have to itself.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class ControlPlaneHeartbeat {

  private static final Logger LOG = Logger.getLogger(ControlPlaneHeartbeat.class.getName());

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  @Inject
  private SchemaMigration schema;

  private final Clock clock = Clock.systemUTC();

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void beat() {
    if (!schema.isMigrated()) {
      return;
    }
    String id = instanceId();
    ControlPlaneInstance instance = em.find(ControlPlaneInstance.class, id);
    if (instance == null) {
      instance = new ControlPlaneInstance(id, hostName(), clock.instant());
      em.persist(instance);
      LOG.info(() -> "Control-plane instance " + id + " registered");
    }
    instance.heartbeat(clock.instant());
    instance.advertise(ApiServerAddress.address(), ApiServerAddress.port());
  }

  /**
   * On a clean stop, this server stops advertising its API address, so the {@code kubernetes}
   * service's endpoints drop it at the next reconcile instead of after the liveness window.
   */
  @PreDestroy
  void withdraw() {
    try {
      ControlPlaneInstance instance = em.find(ControlPlaneInstance.class, instanceId());
      if (instance != null) {
        instance.withdraw();
      }
    } catch (RuntimeException e) {
      LOG.fine(() -> "Could not withdraw this server's API address: " + e);
    }
  }

  /** This server's name among the control-plane instances. */
  static String instanceId() {
    return System.getProperty("jboss.node.name", hostName());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
