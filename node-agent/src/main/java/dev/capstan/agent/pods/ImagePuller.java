package dev.capstan.agent.pods;

import dev.capstan.agent.events.PodEvents;
import dev.capstan.agent.runtime.ContainerRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Makes sure a container's image is here as its pull policy says, without a worker waiting for
 * a pull: a missing image starts a pull in the background (one per image, however many pods
 * want it) and the pod is woken when it ends; the pod's next look finds the image, or the reason
 * it could not be pulled.
 */
final class ImagePuller {

  private static final Logger LOG = Logger.getLogger(ImagePuller.class.getName());
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(5);

  /** Where an image stands for one container. */
  sealed interface Result {
    /** The image is here: the container can be created. */
    record Present() implements Result {}

    /** A pull is under way; the pod is woken when it ends. */
    record Pulling() implements Result {}

    /** The image is not here and cannot (or may not) be pulled. */
    record Unavailable(String message, boolean neverPull) implements Result {}
  }

  private record Pull(CompletableFuture<Void> done, Instant started) {}

  private final ContainerRuntime runtime;
  private final PodEvents events;
  private final Clock clock;
  private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Pull> requests = new ConcurrentHashMap<>();

  ImagePuller(ContainerRuntime runtime, PodEvents events, Clock clock) {
    this.runtime = runtime;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Where {@code image} stands for the container {@code requester} ({@code <uid>/<name>}).
   *
   * @param pod the pod, for its events; null for the sandbox, which records none
   * @param wake called when a pull started here ends
   */
  Result ensure(Pod pod, String container, String requester, String image, String policy,
      Runnable wake) {
    boolean present = runtime.hasImage(image);
    String pullPolicy = policy == null ? "IfNotPresent" : policy;
    if (pullPolicy.equals("Never")) {
      return present ? new Result.Present() : new Result.Unavailable("Container image \""
          + image + "\" is not present with pull policy of Never", true);
    }
    Pull pull = requests.get(requester);
    if (pull != null) {
      if (!pull.done().isDone()) {
        return new Result.Pulling();
      }
      requests.remove(requester);
      try {
        pull.done().join();
        record(pod, container, "Pulled", "Successfully pulled image \"" + image + "\" in "
            + Duration.between(pull.started(), clock.instant()).toMillis() + "ms");
        return new Result.Present();
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        if (present && pullPolicy.equals("Always")) {
          LOG.warning(() -> "Could not pull " + image + " (" + why + "); using the copy already"
              + " here");
          return new Result.Present();
        }
        return new Result.Unavailable("Failed to pull image \"" + image + "\": " + why, false);
      }
    }
    if (present && pullPolicy.equals("IfNotPresent")) {
      record(pod, container, "Pulled", "Container image \"" + image
          + "\" already present on machine");
      return new Result.Present();
    }
    record(pod, container, "Pulling", "Pulling image \"" + image + "\"");
    CompletableFuture<Void> done = inFlight.get(image);
    if (done == null) {
      CompletableFuture<Void> started = runtime.pull(image, PULL_TIMEOUT);
      done = inFlight.putIfAbsent(image, started);
      if (done == null) {
        done = started;
        started.whenComplete((ok, failure) -> inFlight.remove(image, started));
      }
    }
    requests.put(requester, new Pull(done, clock.instant()));
    done.whenComplete((ok, failure) -> wake.run());
    return new Result.Pulling();
  }

  /** Forgets the pulls asked for by containers whose requester starts with {@code prefix}. */
  void forget(String prefix) {
    requests.keySet().removeIf(key -> key.startsWith(prefix));
  }

  private void record(Pod pod, String container, String reason, String message) {
    if (pod != null) {
      events.normal(pod, container, reason, message);
    }
  }
}
