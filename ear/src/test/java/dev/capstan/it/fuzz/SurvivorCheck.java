package dev.capstan.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a run, the checks too costly for every request: each kind is listed once (every
 * object the run left behind must be there and decode), each object must have reached the kind's
 * watch in its listed version, and kubectl describes a sample of each kind.
 */
final class SurvivorCheck {

  private final Exchange.Client client;
  private final String namespace;
  private final Fuzzer.Describer describer;
  private final Map<String, KindWatch> watches;
  private final Map<String, Survivor> survivors;
  private final List<Fuzzer.Failure> failures;
  private final int describePerKind;

  SurvivorCheck(Exchange.Client client, String namespace, Fuzzer.Describer describer,
      Map<String, KindWatch> watches, Map<String, Survivor> survivors,
      List<Fuzzer.Failure> failures, int describePerKind) {
    this.client = client;
    this.namespace = namespace;
    this.describer = describer;
    this.watches = watches;
    this.survivors = survivors;
    this.failures = failures;
    this.describePerKind = describePerKind;
  }

  /**
   * The end of a run: every survivor is listed and decodes in the list, reached its watch in its
   * current version, and a sample of each kind {@code kubectl describe}s.
   */
  void run(Duration watchWait) {
    Map<Corpus.Kind, Map<String, List<Survivor>>> groups = new LinkedHashMap<>();
    for (Survivor s : survivors.values()) {
      groups.computeIfAbsent(s.kind(), k -> new LinkedHashMap<>())
          .computeIfAbsent(s.namespace(), n -> new ArrayList<>()).add(s);
    }
    groups.forEach((kind, byNamespace) -> byNamespace.forEach((ns, objects) -> {
      List<Survivor> present = verifyList(kind, ns, objects, watchWait);
      describe(kind, ns, sample(present));
    }));
    for (KindWatch watch : watches.values()) {
      watch.problems.forEach((key, problem) -> failures.add(new Fuzzer.Failure("watch", "-",
          "watch of " + watch.kind.plural(), key, problem)));
    }
  }

  /**
   * Lists the kind: every survivor must be in the list (one that is not must be gone: a delete
   * or a garbage collector took it) and have reached the watch. Returns those still there.
   */
  private List<Survivor> verifyList(Corpus.Kind kind, String ns, List<Survivor> expected,
      Duration watchWait) {
    FuzzRequest list = FuzzRequest.get(kind.collection(ns));
    Exchange answer = client.send(list);
    Map<String, String> versions = new LinkedHashMap<>();
    if (answer.status() != 200) {
      failures.add(new Fuzzer.Failure("list", "-", "list of " + kind.plural(), list.curl(client.api()),
          answer.status() + " " + answer.snippet()));
      return List.of();
    }
    try {
      JsonNode items = StrictDecoder.tree(answer.body()).path("items");
      for (JsonNode item : items) {
        versions.put(KindWatch.key(item), item.path("metadata").path("resourceVersion").asText());
        String problem = StrictDecoder.problem(item, kind.model());
        if (problem != null) {
          failures.add(new Fuzzer.Failure("list item does not decode", seedOf(kind, item), "list of "
              + kind.plural() + " item " + KindWatch.key(item), list.curl(client.api()), problem));
        }
      }
    } catch (Exception e) {
      failures.add(new Fuzzer.Failure("list", "-", "list of " + kind.plural(), list.curl(client.api()),
          "not JSON: " + e.getMessage()));
      return List.of();
    }
    List<Survivor> present = new ArrayList<>();
    for (Survivor s : expected) {
      if (versions.containsKey(s.key())) {
        present.add(s);
      } else if (client.get(s.path()).status() != 404) {
        failures.add(new Fuzzer.Failure("not listed", s.seed(), kind.kind() + " " + s.key(),
            list.curl(client.api()), "the object reads back but the list lacks it"));
      }
    }
    KindWatch watch = watches.get(kind.kind());
    if (watch == null || !ns.equals(kind.namespaced() ? namespace : "")) {
      return present;
    }
    long deadline = System.nanoTime() + watchWait.toNanos();
    List<Survivor> missing = new ArrayList<>(present);
    while (true) {
      missing.removeIf(s -> {
        String seen = watch.lastSeen.get(s.key());
        String current = versions.get(s.key());
        return current == null || current.equals(seen) || newer(seen, current);
      });
      if (missing.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return present;
      }
    }
    for (Survivor s : missing) {
      failures.add(new Fuzzer.Failure("not watched", s.seed(), kind.kind() + " " + s.key(),
          kind.collection(ns) + "?watch=1",
          "listed at resourceVersion " + versions.get(s.key()) + ", the watch saw "
              + watch.lastSeen.get(s.key())));
    }
    return present;
  }

  /** The seed of the case that made a listed object, when the run remembers it. */
  private String seedOf(Corpus.Kind kind, JsonNode item) {
    Survivor s = survivors.get(kind.kind() + " " + KindWatch.key(item));
    return s == null ? "-" : s.seed();
  }

  /**
   * What kubectl describes of a kind: the objects fuzz requests wrote, at most
   * {@code describePerKind} of them, and one valid base object (the kind's describer works).
   */
  private List<Survivor> sample(List<Survivor> present) {
    List<Survivor> chosen = new ArrayList<>();
    present.stream().filter(Survivor::written).limit(describePerKind).forEach(chosen::add);
    present.stream().filter(s -> !s.written()).findFirst().ifPresent(chosen::add);
    return chosen;
  }

  private static boolean newer(String seen, String current) {
    try {
      return seen != null && new java.math.BigInteger(seen).compareTo(
          new java.math.BigInteger(current)) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void describe(Corpus.Kind kind, String ns, List<Survivor> objects) {
    if (describer == null || objects.isEmpty()) {
      return;
    }
    String resource = kind.plural() + (kind.apiVersion().contains("/")
        ? "." + kind.apiVersion().substring(0, kind.apiVersion().indexOf('/')) : "");
    List<String> args = new ArrayList<>(List.of("describe", resource));
    if (kind.namespaced()) {
      args.addAll(List.of("-n", ns));
    }
    List<String> all = new ArrayList<>(args);
    objects.forEach(o -> all.add(o.name()));
    if (describer.apply(all).getKey() == 0) {
      return;
    }
    for (Survivor o : objects) {
      List<String> one = new ArrayList<>(args);
      one.add(o.name());
      Map.Entry<Integer, String> result = describer.apply(one);
      if (result.getKey() != 0) {
        failures.add(new Fuzzer.Failure("kubectl describe fails", o.seed(), kind.kind() + " " + o.key(),
            "kubectl " + String.join(" ", one), Mutator.escape(result.getValue().strip(), 300)));
      }
    }
  }
}
