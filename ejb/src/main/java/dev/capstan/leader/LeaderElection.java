package dev.capstan.leader;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.metrics.Metrics;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import io.micrometer.core.instrument.Gauge;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Leader election over a Lease in {@code kube-system}, as client-go's leaderelection does with
 * {@code kube-scheduler} and {@code kube-controller-manager}: the holder renews it; anyone may
 * take it over once it has not been renewed for {@link #LEASE_SECONDS}; the store's optimistic
 * concurrency lets exactly one contender win. Each call to {@link #lead} is one attempt, so
 * callers (timers) simply ask again on their next tick.
 *
 * <p>As in client-go, renewing and working are separate: a component renews on a timer of its
 * own and asks {@link #holds} before each piece of work, so a long work cycle (a scheduler
 * facing hundreds of pending pods on a loaded machine) never lets the lease lapse while the
 * server still works under it, and a server whose renewals fail stops working within
 * {@link #RENEW_DEADLINE}, before another may take the lease over.
 */
@ApplicationScoped
public class LeaderElection {

  public static final int LEASE_SECONDS = 15;
  /** As client-go's RenewDeadline: a holder stops working this long after its last renewal. */
  public static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final String NAMESPACE = "kube-system";
  private static final Logger LOG = Logger.getLogger(LeaderElection.class.getName());
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  private enum Attempt { HELD, HELD_BY_ANOTHER, FAILED }

  @Inject
  private ObjectStore store;

  @Inject
  private Metrics metrics;

  /** The leases this server has contended for, each measured once. */
  private final Set<String> measured = ConcurrentHashMap.newKeySet();

  private final Clock clock = Clock.systemUTC();
  /** When this server last renewed each lease it holds: its own leadership only. */
  private final Map<String, Instant> lastRenewal = new ConcurrentHashMap<>();

  /** This server's identity among the contenders. */
  public static String identity() {
    return System.getProperty("jboss.node.name", "capstan");
  }

  /** Acquires or renews {@code lease}; true while this server holds it. */
  public boolean lead(String lease) {
    if (measured.add(lease)) {
      // client-go's leader_election_master_status: 1 while this server leads
      Gauge.builder("leader.election.master.status", () -> holds(lease) ? 1 : 0)
          .description("Gauge of if the reporting system is master of the relevant lease,"
              + " 0 indicates backup, 1 indicates master. 'name' is the string used to identify"
              + " the lease.")
          .tag("name", lease).register(metrics.registry());
    }
    Instant attempted = clock.instant();
    Attempt outcome = attempt(lease);
    switch (outcome) {
      case HELD -> lastRenewal.put(lease, attempted);
      case HELD_BY_ANOTHER -> lastRenewal.remove(lease);
      case FAILED -> { } // as client-go: keep trying until the renew deadline passes
    }
    return outcome == Attempt.HELD;
  }

  /**
   * Whether this server may work under {@code lease}: it renewed it less than
   * {@link #RENEW_DEADLINE} ago (well inside the {@link #LEASE_SECONDS} others wait for).
   */
  public boolean holds(String lease) {
    Instant last = lastRenewal.get(lease);
    return last != null && clock.instant().isBefore(last.plus(RENEW_DEADLINE));
  }

  private Attempt attempt(String lease) {
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
        return Attempt.HELD;
      }
      JsonObject spec = object(current.get().json(), "spec");
      String holder = spec.getString("holderIdentity", "");
      boolean mine = holder.equals(identity());
      if (!mine && !expired(spec, now)) {
        return Attempt.HELD_BY_ANOTHER;
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
      return Attempt.HELD;
    } catch (AlreadyExistsException | ConflictException | NotFoundException e) {
      // someone else wrote the lease between our read and our write
      return Attempt.HELD_BY_ANOTHER;
    } catch (EJBException e) {
      LOG.fine(() -> "Leader election for " + lease + " failed: " + e);
      return Attempt.FAILED;
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
