package dev.capstan.recording;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Records core/v1 Events from the control plane's components (the scheduler, controllers),
 * aggregated as client-go's correlator does: the same reason and message about the same object
 * is one Event whose {@code count} and {@code lastTimestamp} grow, and many similar ones with
 * different messages become one combined Event ({@link EventCorrelator}). The aggregation cache is
 * only an optimisation: after a restart or a leader change, the next occurrence starts a new
 * Event. Recording never fails the caller.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
  private static final int CACHE_SIZE = 4096;

  private record Recorded(String namespace, String name) {}

  @Inject
  private ObjectStore store;

  private final Clock clock = Clock.systemUTC();
  private final EventCorrelator correlator = new EventCorrelator();
  private final Map<String, Recorded> recorded = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  public void normal(JsonObject object, String component, String reason, String message) {
    record(object, component, "Normal", reason, message);
  }

  public void warning(JsonObject object, String component, String reason, String message) {
    record(object, component, "Warning", reason, message);
  }

  private void record(JsonObject object, String component, String type, String reason,
      String observed) {
    JsonObject metadata = object(object, "metadata");
    String namespace = metadata.getString("namespace", "default");
    String uid = metadata.getString("uid", "");
    EventCorrelator.Decision decision = correlator.correlate(
        uid + "|" + component + "|" + type + "|" + reason, observed, clock.instant());
    String key = decision.key();
    String message = decision.message();
    String now = ObjectMetadata.timestamp(clock.instant());
    try {
      Recorded previous;
      synchronized (recorded) {
        previous = recorded.get(key);
      }
      if (previous != null) {
        try {
          store.update(ResourceTypes.EVENT.key(previous.namespace(), previous.name()), "v1",
              Preconditions.NONE, event -> Json.createObjectBuilder(event)
                  .add("count", event.getInt("count", 1) + 1)
                  .add("lastTimestamp", now)
                  .add("message", message).build());
          return;
        } catch (NotFoundException | ConflictException e) {
          // compacted away or changed: record it anew
        }
      }
      String name = metadata.getString("name", "object") + "."
          + Long.toHexString(System.currentTimeMillis() * 1_000_000L + System.nanoTime() % 1_000_000L);
      JsonObject event = Json.createObjectBuilder()
          .add("metadata", Json.createObjectBuilder().add("name", name).add("namespace", namespace))
          .add("involvedObject", Json.createObjectBuilder()
              .add("apiVersion", object.getString("apiVersion", "v1"))
              .add("kind", object.getString("kind", ""))
              .add("namespace", namespace)
              .add("name", metadata.getString("name", ""))
              .add("uid", uid)
              .add("resourceVersion", metadata.getString("resourceVersion", "")))
          .add("reason", reason)
          .add("message", message)
          .add("type", type)
          .add("source", Json.createObjectBuilder().add("component", component))
          .add("reportingComponent", component)
          .add("reportingInstance", component + "-" + System.getProperty("jboss.node.name", ""))
          .add("firstTimestamp", now)
          .add("lastTimestamp", now)
          .add("count", 1)
          .build();
      store.create(ResourceTypes.EVENT.key(namespace, name), "v1", event);
      synchronized (recorded) {
        recorded.put(key, new Recorded(namespace, name));
      }
    } catch (AlreadyExistsException | RuntimeException e) {
      // EJBException, or admission refusing the Event (a quota on events)
      LOG.fine(() -> "Event " + reason + " not recorded: " + e);
    }
  }
}
