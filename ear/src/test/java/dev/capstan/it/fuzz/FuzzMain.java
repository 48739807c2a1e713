package dev.capstan.it.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fuzzer against a running cluster ({@code bench/fuzz.sh}): the same cases as FuzzIT, for
 * as many requests or minutes as asked, in a namespace of its own that it deletes at the end.
 *
 * <p>Arguments: api-url token-file kubeconfig requests minutes [run-seed | case-seed,...];
 * {@code -Dfuzz.workers=N} cases at a time (default 6), {@code -Dfuzz.describe=N} objects of
 * each kind that kubectl describes at the end (default 50).
 */
public final class FuzzMain {

  private FuzzMain() {}

  public static void main(String[] args) throws Exception {
    String api = args[0];
    String token = Files.readString(Path.of(args[1])).strip();
    Path kubeconfig = Path.of(args[2]);
    int requests = Integer.parseInt(args[3]);
    int minutes = Integer.parseInt(args[4]);
    List<Long> regressions = new ArrayList<>(Seeds.regressions());
    List<Long> seeds = new ArrayList<>();
    long runSeed = System.nanoTime();
    if (args.length > 5 && args[5].contains(",")) {
      regressions.clear();
      for (String seed : args[5].split(",")) {
        seeds.add(Seeds.parse(seed));
      }
    } else {
      if (args.length > 5) {
        runSeed = Seeds.parse(args[5]);
      }
      seeds.addAll(Seeds.of(runSeed, requests));
    }
    System.out.println("run seed: " + Long.toHexString(runSeed) + " (" + regressions.size()
        + " regression cases one at a time, then " + seeds.size() + " cases)");
    Exchange.Client client = new Exchange.Client(api, token, Duration.ofSeconds(10));
    String namespace = "fuzz-run-" + Long.toHexString(runSeed) + "-" + Long.toHexString(System.currentTimeMillis() % 0x100000);
    if (client.send(FuzzRequest.json("POST", "/api/v1/namespaces", Cases.JSON,
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace
            + "\"}}")).status() != 201) {
      throw new IllegalStateException("cannot create namespace " + namespace);
    }
    client.send(FuzzRequest.json("POST", "/api/v1/namespaces/" + namespace + "/resourcequotas",
        Cases.JSON, Corpus.GUARD_QUOTA));
    Fuzzer.Describer describer = command -> kubectl(kubeconfig, command);
    long start = System.nanoTime();
    try (Fuzzer fuzzer = new Fuzzer(client, namespace, describer)) {
      fuzzer.openWatches();
      fuzzer.describePerKind(Integer.getInteger("fuzz.describe", 50));
      int workers = Integer.getInteger("fuzz.workers", 6);
      Duration budget = Duration.ofMinutes(minutes);
      fuzzer.run(regressions, budget, 1);
      fuzzer.run(seeds, budget.minusNanos(System.nanoTime() - start), workers);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("%d requests in %.1f s on %d workers: %.1f requests/s%n",
          fuzzer.requests(), seconds, workers, fuzzer.requests() / seconds);
      long verify = System.nanoTime();
      fuzzer.verifySurvivors(Duration.ofSeconds(15));
      System.out.printf("survivors verified (list, watch, kubectl describe) in %.1f s%n",
          (System.nanoTime() - verify) / 1e9);
      System.out.println(fuzzer.report());
      if (!Boolean.getBoolean("fuzz.keep")) {
        fuzzer.deleteClusterScopedSurvivors();
        client.send(new FuzzRequest("DELETE", "/api/v1/namespaces/" + namespace, null, null,
            false));
      }
      System.exit(fuzzer.failures().isEmpty() ? 0 : 1);
    }
  }

  static Map.Entry<Integer, String> kubectl(Path kubeconfig, List<String> args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig",
        kubeconfig.toString()));
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getInputStream().readAllBytes());
        } catch (IOException e) {
          return "";
        }
      });
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new AbstractMap.SimpleEntry<>(-1, "kubectl did not finish in 60 s");
      }
      return new AbstractMap.SimpleEntry<>(process.exitValue(), output.join());
    } catch (IOException e) {
      return new AbstractMap.SimpleEntry<>(-1, "cannot run kubectl: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new AbstractMap.SimpleEntry<>(-1, "interrupted");
    }
  }
}
