package dev.capstan.recording;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Groups similar events as client-go's EventAggregator does: events about the same object from
 * the same component with the same type and reason but different messages (a controller's
 * {@code FailedCreate} naming a new random pod each time) are recorded one by one until ten
 * different messages were seen within ten minutes; from then on they become one Event,
 * {@code (combined from similar events): <latest message>}, whose count grows. In memory only:
 * after a restart the counting starts again.
 */
final class EventCorrelator {

  static final int MAX_SIMILAR = 10;
  static final Duration INTERVAL = Duration.ofMinutes(10);
  static final String COMBINED = "(combined from similar events): ";
  private static final int CACHE_SIZE = 4096;

  /**
   * How to record one occurrence.
   *
   * @param key the key under which identical occurrences are counted on one Event
   * @param message the message to record
   */
  record Decision(String key, String message) {}

  private record Similar(Set<String> messages, Instant last) {}

  private final Map<String, Similar> similar = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Similar> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  /**
   * @param aggregateKey what makes events similar: object, component, type and reason
   */
  synchronized Decision correlate(String aggregateKey, String message, Instant now) {
    Similar seen = similar.get(aggregateKey);
    if (seen == null || Duration.between(seen.last(), now).compareTo(INTERVAL) > 0) {
      seen = new Similar(new HashSet<>(), now);
    }
    Set<String> messages = seen.messages();
    messages.add(message);
    if (messages.size() >= MAX_SIMILAR) {
      // do not let the set grow past the threshold
      messages.remove(messages.iterator().next());
      similar.put(aggregateKey, new Similar(messages, now));
      return new Decision(aggregateKey, COMBINED + message);
    }
    similar.put(aggregateKey, new Similar(messages, now));
    return new Decision(aggregateKey + "|" + message, message);
  }
}
