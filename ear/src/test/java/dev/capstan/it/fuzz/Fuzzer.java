package dev.capstan.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs cases against a real API server and holds every answer to what Kubernetes promises: a
 * 2xx, or a 4xx with a {@code Status} body; never a 5xx, never a hang; an error answer leaves
 * nothing stored; whatever was stored reads back and decodes into the fabric8 model. At the end
 * of a run every object left behind is listed, reached a watch opened from a list's
 * resourceVersion, and a sample of them {@code kubectl describe}s.
 *
 * <p>Cases run concurrently on a bounded pool of workers: each case is about objects named after
 * its own seed, so it needs nothing of the others and its seed still reproduces it alone. The
 * checks of every request are the cheap ones (status class, Status body, nothing stored after
 * an error, the stored object decodes strictly); the costly ones (a list and a watch per kind,
 * kubectl, which reads each object and its events) run once at the end, kubectl on a sample.
 */
public final class Fuzzer implements AutoCloseable {

  /** Runs kubectl with the arguments: its exit code and what it printed. */
  public interface Describer extends Function<List<String>, Map.Entry<Integer, String>> {}

  /** One broken promise, with what reproduces it. */
  public record Failure(String category, String seed, String title, String request,
      String answer) {

    /** What identifies a failure apart from its names and numbers, to count repeats. */
    String signature() {
      String family = title.split(" ", 3)[0] + " " + title.split(" ", 3)[1];
      String shape = answer.replaceAll("f[0-9a-f]{6,16}|fuzz-[0-9a-f]+", "N")
          .replaceAll("[0-9]+", "#").replaceAll("\\s+", " ");
      return category + " | " + family + " | " + shape.substring(0, Math.min(120, shape.length()));
    }

    @Override
    public String toString() {
      return "[" + category + "] seed " + seed + ": " + title + "\n    request: " + request
          + "\n    answer:  " + answer;
    }
  }

  private final Exchange.Client client;
  private final String namespace;
  private final Describer describer;
  private final Tally tally = new Tally();
  private final BasePool bases = new BasePool();
  private final List<Failure> failures = java.util.Collections.synchronizedList(
      new ArrayList<>());
  private final Map<String, Survivor> survivors = new ConcurrentSkipListMap<>();
  private final Map<String, KindWatch> watches = new LinkedHashMap<>();
  private final AtomicInteger consecutiveTransport = new AtomicInteger();
  private volatile boolean stopped;
  private int describePerKind = 20;

  public Fuzzer(Exchange.Client client, String namespace, Describer describer) {
    this.client = client;
    this.namespace = namespace;
    this.describer = describer;
  }

  /** Opens a watch on every kind of the corpus, from a list's resourceVersion. */
  public void openWatches() {
    for (Corpus.Kind kind : Corpus.KINDS) {
      watches.put(kind.kind(), new KindWatch(client, kind, namespace));
    }
  }

  /**
   * How many objects of each kind the end of the run describes with kubectl (those a fuzz
   * request wrote first, and always one valid base object): kubectl reads each object and its
   * events, a second or more per dozen objects, so describing thousands would take the run's
   * whole budget. Every object is still read back and decoded as strictly as kubectl decodes.
   */
  public void describePerKind(int limit) {
    this.describePerKind = limit;
  }

  /**
   * Runs the cases of the seeds on {@code workers} threads, taken in order, until they are done
   * or the time is up.
   */
  public void run(List<Long> seeds, Duration budget, int workers) {
    long deadline = System.nanoTime() + budget.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread thread = new Thread(r, "fuzz-worker");
      thread.setDaemon(true);
      return thread;
    });
    try {
      for (long seed : seeds) {
        pool.execute(() -> {
          if (stopped || System.nanoTime() > deadline) {
            return;
          }
          if (consecutiveTransport.get() >= 10 * workers) {
            stopped = true;
            failures.add(new Failure("server gone", Long.toHexString(seed), "run stopped",
                "", 10 * workers + " requests in a row got no answer; stopping"));
            return;
          }
          runCase(seed);
        });
      }
    } finally {
      pool.shutdown();
    }
    try {
      // each case ends within a few request timeouts of the deadline
      if (!pool.awaitTermination(budget.toMillis() + 120_000, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
        failures.add(new Failure("hang", "-", "run not finished", "",
            "cases still running two minutes after the deadline"));
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public void runCase(long seed) {
    long start = System.nanoTime();
    FuzzCase c;
    BasePool.Base reused = null;
    try {
      c = Cases.generate(seed, namespace);
      if (c.base != null && (reused = bases.take(c.kind)) != null) {
        c = Cases.generate(seed, namespace, reused.name());
        c.edits.add(0, "on the base object " + reused.name() + " an earlier case left as it was");
      }
    } catch (RuntimeException e) {
      // the generator's own limit (say, JSON-P reading a stored object it cannot hold): not the
      // server's failure, but counted so that it cannot hide many cases
      tally.skipped("not generated");
      return;
    } finally {
      tally.time(Tally.Phase.GENERATE, start);
    }
    runCase(c, reused);
  }

  private void runCase(FuzzCase c, BasePool.Base reused) {
    JsonNode stored = null;
    if (reused != null) {
      stored = reused.stored();
    } else if (c.base != null) {
      long start = System.nanoTime();
      try {
        stored = createBase(c);
      } finally {
        tally.time(Tally.Phase.BASE, start);
      }
      if (stored == null) {
        return;
      }
    }
    FuzzRequest request;
    long start = System.nanoTime();
    try {
      request = c.request(stored);
    } catch (RuntimeException e) {
      tally.skipped("not generated");
      return;
    } finally {
      tally.time(Tally.Phase.GENERATE, start);
    }
    // names are the case's own, so in the run's fresh namespace nothing of the case's name
    // exists before it; a cluster-scoped name may remain from an earlier run or replay
    boolean existed = c.base != null || (request.method().equals("POST")
        && !c.kind.namespaced() && client.get(c.kind.object(namespace, c.name)).status() == 200);
    start = System.nanoTime();
    Exchange answer = client.send(request);
    tally.time(Tally.Phase.REQUEST, start);
    String statusClass = answer.statusClass();
    tally.answered(c.family, statusClass, answer.millis());
    if (statusClass.equals("transport")) {
      consecutiveTransport.incrementAndGet();
    } else {
      consecutiveTransport.set(0);
    }
    start = System.nanoTime();
    switch (statusClass) {
      case "hang" -> fail(c, "hang (no whole answer in the time allowed)", request, answer);
      case "transport" -> fail(c, "no answer", request, answer);
      case "5xx" -> fail(c, "5xx", request, answer);
      case "4xx" -> checkStatus(c, request, answer);
      case "2xx" -> checkSuccess(c, request, answer);
      default -> fail(c, "unexpected status", request, answer);
    }
    JsonNode unchanged = null;
    if (!statusClass.equals("2xx") && request.writes()) {
      if (!(stored == null && existed)) {
        unchanged = checkNothingStored(c, request, answer, stored);
      }
    }
    tally.time(Tally.Phase.CHECKS, start);
    if (stored != null && c.base != null) {
      boolean read = request.method().equals("GET")
          && (statusClass.equals("2xx") || statusClass.equals("4xx"));
      if (unchanged != null || read) {
        bases.give(c.kind, c.name, unchanged != null ? unchanged : stored);
      }
    }
  }

  /**
   * Creates the case's valid base object; what the create answered is what was stored (the
   * answer is the stored object, decoded here as strictly as a read of it), so it needs no read.
   */
  private JsonNode createBase(FuzzCase c) {
    FuzzRequest create = FuzzRequest.json("POST", c.kind.collection(namespace), Cases.JSON,
        JsonTrees.write(c.base));
    Exchange created = client.send(create);
    tally.setup();
    if (created.status() == 201) {
      return accept(c, c.kind, namespace, c.name, create, created, false);
    }
    if (created.status() == 409) {
      return readBack(c, c.kind, namespace, c.name, "the valid base object");
    }
    if (created.status() == 403) {
      // a quota or limit range an earlier case stored refuses it, as Kubernetes would
      tally.skipped("skipped: base refused by a quota or limit");
      return null;
    }
    fail(c, "valid manifest refused", create, created);
    return null;
  }

  private void checkStatus(FuzzCase c, FuzzRequest request, Exchange answer) {
    try {
      JsonNode status = StrictDecoder.tree(answer.body());
      if (!status.path("kind").asText().equals("Status")
          || !status.path("apiVersion").asText().equals("v1")
          || !status.path("status").asText().equals("Failure")
          || status.path("code").asInt() != answer.status()
          || status.path("message").asText().isEmpty()) {
        fail(c, "4xx without a Kubernetes Status", request, answer);
      }
    } catch (Exception e) {
      fail(c, "4xx without a Kubernetes Status", request, answer);
    }
  }

  private void checkSuccess(FuzzCase c, FuzzRequest request, Exchange answer) {
    if (request.streaming()) {
      return;
    }
    JsonNode body;
    try {
      body = StrictDecoder.tree(answer.body());
    } catch (Exception e) {
      fail(c, "2xx whose body is not JSON", request, answer);
      return;
    }
    if (request.method().equals("DELETE")) {
      // what a delete took is found missing from the lists at the end
      return;
    }
    if (!request.writes() || request.method().equals("GET")) {
      return;
    }
    String kind = body.path("kind").asText();
    if (kind.equals("Scale") || request.path().contains("/status")) {
      readBack(c, c.kind, namespace, c.name, "the object after a subresource write");
      return;
    }
    if (!kind.equals(c.kind.kind())) {
      if (!kind.equals("Status")) {
        fail(c, "2xx with an object of another kind (" + kind + ")", request, answer);
      }
      return;
    }
    JsonNode metadata = body.path("metadata");
    String name = metadata.path("name").asText();
    String ns = c.kind.namespaced() ? metadata.path("namespace").asText(namespace) : "";
    if (name.isEmpty()) {
      fail(c, "2xx object without a name", request, answer);
      return;
    }
    String problem = StrictDecoder.problem(body, c.kind.model());
    if (problem != null) {
      fail(c, "2xx answer does not decode into the fabric8 model", request,
          new Exchange(answer.status(), problem, answer.millis(), null));
    }
    boolean owned = metadata.path("ownerReferences").size() > 0;
    readBack(c, c.kind, ns, name, owned
        ? "the object the write answered with, unless its owner's garbage collector took it"
        : "the object the write answered with");
  }

  /** GETs an object, which must answer 200 and decode; remembers it as a survivor. */
  private JsonNode readBack(FuzzCase c, Corpus.Kind kind, String ns, String name, String what) {
    FuzzRequest get;
    try {
      get = FuzzRequest.get(kind.object(ns, name));
      java.net.URI.create(client.api() + get.path());
    } catch (IllegalArgumentException e) {
      fail(c, "stored under a name no URI can address", FuzzRequest.get("(" + name + ")"),
          new Exchange(0, e.getMessage(), 0, null));
      return null;
    }
    Exchange read = client.send(get);
    if (read.status() == 404 && (what.contains("after") || what.contains("garbage"))) {
      return null;
    }
    if (read.status() != 200) {
      fail(c, "stored object cannot be read back (" + what + ")", get, read);
      return null;
    }
    return accept(c, kind, ns, name, get, read, !what.equals("the valid base object"));
  }

  /** An answer that holds the stored object: it must decode; it is remembered as a survivor. */
  private JsonNode accept(FuzzCase c, Corpus.Kind kind, String ns, String name,
      FuzzRequest request, Exchange answer, boolean written) {
    JsonNode object;
    try {
      object = StrictDecoder.tree(answer.body());
    } catch (Exception e) {
      fail(c, "stored object reads back as invalid JSON", request, answer);
      return null;
    }
    Survivor survivor = new Survivor(kind, ns, name, written, c.seedText());
    survivors.merge(kind.kind() + " " + survivor.key(), survivor,
        (was, is) -> was.written() ? was : is);
    String problem = StrictDecoder.problem(object, kind.model());
    if (problem != null) {
      fail(c, "stored object does not decode into the fabric8 model", request,
          new Exchange(answer.status(), problem, answer.millis(), null));
    }
    return object;
  }

  /**
   * After an error answer to a write: the object is as it was, or was never made.
   *
   * @return the object as it is now, when it is there and unchanged, else null
   */
  private JsonNode checkNothingStored(FuzzCase c, FuzzRequest request, Exchange answer,
      JsonNode before) {
    Exchange now = client.get(c.kind.object(namespace, c.name));
    if (before == null) {
      if (request.method().equals("POST") && now.status() == 200 && !survivors.containsKey(
          c.kind.kind() + " " + new Survivor(c.kind, namespace, c.name, false, "").key())) {
        fail(c, "answered " + answer.statusClass() + " but stored the object", request, answer);
        readBack(c, c.kind, namespace, c.name, "an object stored by a refused create");
      }
      return null;
    }
    if (now.status() != 200) {
      if (!request.method().equals("DELETE")) {
        fail(c, "answered " + answer.statusClass() + " but the object is gone ("
            + now.status() + ")", request, answer);
      }
      return null;
    }
    try {
      JsonNode after = StrictDecoder.tree(now.body());
      String difference = ObjectDiff.of(before, after);
      if (difference != null) {
        fail(c, "answered " + answer.statusClass() + " but changed the object", request,
            new Exchange(answer.status(), "changed " + difference + " || answer: "
                + answer.body(), answer.millis(), null));
        return null;
      }
      return after;
    } catch (Exception e) {
      fail(c, "stored object reads back as invalid JSON", request, now);
      return null;
    }
  }

  /**
   * The end of a run: every survivor is listed and decodes in the list, reached its watch in its
   * current version, and a sample of each kind {@code kubectl describe}s.
   */
  public void verifySurvivors(Duration watchWait) {
    new SurvivorCheck(client, namespace, describer, watches, survivors, failures,
        describePerKind).run(watchWait);
  }

  /** Deletes what the run made outside its namespace (namespaces, ClusterRoles). */
  public void deleteClusterScopedSurvivors() {
    for (Survivor s : survivors.values()) {
      if (!s.kind().namespaced()) {
        client.send(new FuzzRequest("DELETE", s.path(), null, null, false));
      }
    }
  }

  private void fail(FuzzCase c, String category, FuzzRequest request, Exchange answer) {
    String shown = answer.problem() != null ? answer.problem() + " after " + answer.millis()
        + " ms" : answer.status() + " " + answer.snippet();
    failures.add(new Failure(category, c.seedText(), c.toString(), request.curl(client.api()),
        shown));
  }

  public List<Failure> failures() {
    return failures;
  }

  public int requests() {
    return tally.requests();
  }

  /** The figures and the failures, distinct ones in full and repeats counted. */
  public String report() {
    StringBuilder out = new StringBuilder(tally.report());
    out.append("cases on a reused base object: ").append(bases.reused()).append('\n');
    out.append("objects left behind: ").append(survivors.size()).append(", of which fuzz "
        + "requests wrote ").append(survivors.values().stream().filter(Survivor::written)
        .count()).append('\n');
    List<Failure> all;
    synchronized (failures) {
      all = new ArrayList<>(failures);
    }
    Map<String, List<Failure>> distinct = new LinkedHashMap<>();
    for (Failure f : all) {
      distinct.computeIfAbsent(f.signature(), s -> new ArrayList<>()).add(f);
    }
    out.append("failures: ").append(all.size()).append(", distinct: ")
        .append(distinct.size()).append('\n');
    distinct.values().forEach(same -> out.append(same.get(0)).append(same.size() > 1
        ? "\n    (and " + (same.size() - 1) + " more like it, seeds " + same.stream().skip(1)
            .limit(8).map(Failure::seed).toList() + ")" : "").append("\n"));
    if (!all.isEmpty()) {
      out.append("regression lines (add to ear/src/test/resources/fuzz-regressions.txt):\n");
      distinct.values().forEach(same -> {
        if (!same.get(0).seed().equals("-")) {
          out.append(same.get(0).seed()).append("  # ").append(same.get(0).category())
              .append('\n');
        }
      });
    }
    return out.toString();
  }

  @Override
  public void close() {
    watches.values().forEach(KindWatch::close);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
