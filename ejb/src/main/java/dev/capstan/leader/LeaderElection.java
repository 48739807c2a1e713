package dev.capstan.leader;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Leader election over a Lease in {@code kube-system}, as client-go's leaderelection does with
 * {@code kube-scheduler} and {@code kube-controller-manager}: the holder renews it; anyone may
 * take it over once it has not been renewed for {@link #LEASE_SECONDS}; the store's optimistic
 * concurrency lets exactly one contender win. Each call is one attempt, so callers (timers)
 * simply ask again on their next tick.
 */
@ApplicationScoped
public class LeaderElection {

  public static final int LEASE_SECONDS = 15;
  static final String NAMESPACE = "kube-system";
  private static final Logger LOG = Logger.getLogger(LeaderElection.class.getName());
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  @Inject
  private ObjectStore store;

  private final Clock clock = Clock.systemUTC();

  /** This server's identity among the contenders. */
  public static String identity() {
    return System.getProperty("jboss.node.name", "capstan");
  }

  /** Acquires or renews {@code lease}; true while this server holds it. */
  public boolean lead(String lease) {
    ObjectKey key = ResourceTypes.LEASE.key(NAMESPACE, lease);
    Instant now = clock.instant();
    try {
      Optional<StoredObject> current = store.get(key);
      if (current.isEmpty()) {
        store.create(key, ResourceTypes.LEASE.apiVersion(), Json.createObjectBuilder()
            .add("metadata", Json.createObjectBuilder().add("name", lease)
                .add("namespace", NAMESPACE))
            .add("spec", spec(now, now, 0))
            .build());
        LOG.info(() -> identity() + " leads " + lease);
        return true;
      }
      JsonObject spec = object(current.get().json(), "spec");
      String holder = spec.getString("holderIdentity", "");
      boolean mine = holder.equals(identity());
      if (!mine && !expired(spec, now)) {
        return false;
      }
      Instant acquired = mine ? parse(spec.getString("acquireTime", "")).orElse(now) : now;
      int transitions = spec.getInt("leaseTransitions", 0) + (mine ? 0 : 1);
      store.update(key, ResourceTypes.LEASE.apiVersion(),
          new Preconditions(Optional.empty(), Optional.of(current.get().resourceVersion())),
          body -> Json.createObjectBuilder(body).add("spec", spec(acquired, now, transitions))
              .build());
      if (!mine) {
        LOG.info(() -> identity() + " took over " + lease + " from " + holder);
      }
      return true;
    } catch (AlreadyExistsException | ConflictException | NotFoundException e) {
      return false;
    } catch (EJBException e) {
      LOG.fine(() -> "Leader election for " + lease + " failed: " + e);
      return false;
    }
  }

  /** Who holds {@code lease} now, if anyone does and has renewed it in time. */
  public Optional<String> holder(String lease) {
    return store.get(ResourceTypes.LEASE.key(NAMESPACE, lease))
        .map(object -> object(object.json(), "spec"))
        .filter(spec -> !expired(spec, clock.instant()))
        .map(spec -> spec.getString("holderIdentity", ""))
        .filter(holder -> !holder.isEmpty());
  }

  private JsonObject spec(Instant acquired, Instant renewed, int transitions) {
    return Json.createObjectBuilder()
        .add("holderIdentity", identity())
        .add("leaseDurationSeconds", LEASE_SECONDS)
        .add("acquireTime", MICRO_TIME.format(acquired))
        .add("renewTime", MICRO_TIME.format(renewed))
        .add("leaseTransitions", transitions)
        .build();
  }

  private static boolean expired(JsonObject spec, Instant now) {
    int duration = spec.getInt("leaseDurationSeconds", LEASE_SECONDS);
    return parse(spec.getString("renewTime", ""))
        .map(renewed -> renewed.plusSeconds(duration).isBefore(now))
        .orElse(true);
  }

  private static Optional<Instant> parse(String time) {
    try {
      return time.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
