package dev.capstan.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Valid base objects that cases left as they were, for later cases of the same kind to reuse.
 *
 * <p>Most fuzz requests are refused, and a refused request must leave its object unchanged (the
 * fuzzer checks that on every one): creating a fresh base for the next case would write the same
 * object again, and every write waits for the store's revision lock. So a base whose request
 * was refused, or only read it, goes back here; one a request changed, deleted, or left in doubt
 * does not. A case on a reused base sends the request its seed makes but for the object's name
 * and resourceVersion; alone ({@code fuzz.cases}) it creates its own base, the same manifest.
 */
final class BasePool {

  /** An idle base object: its name and what the server last answered for it. */
  record Base(String name, JsonNode stored) {}

  private final Map<Corpus.Kind, Deque<Base>> idle = new HashMap<>();
  private int reused;

  /** An idle base of the kind, taken out of the pool, or null when there is none. */
  synchronized Base take(Corpus.Kind kind) {
    Base base = idle.getOrDefault(kind, new ArrayDeque<>()).pollFirst();
    if (base != null) {
      reused++;
    }
    return base;
  }

  /**
   * Puts a base that is known to be as a create left it back for another case. Not a pod: the
   * reference's pods carry the labels its ReplicationController selects, so a controller another
   * case left behind adopts an idle pod and deletes it as one too many, under the next case.
   */
  synchronized void give(Corpus.Kind kind, String name, JsonNode stored) {
    if (kind.kind().equals("Pod")) {
      return;
    }
    idle.computeIfAbsent(kind, k -> new ArrayDeque<>()).addLast(new Base(name, stored));
  }

  synchronized int reused() {
    return reused;
  }
}
