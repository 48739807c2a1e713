package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ProbeRunner;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodTerminationTest {

  private final Fixtures.MutableClock clock = new Fixtures.MutableClock();
  private final FakeRuntime runtime = new FakeRuntime(clock);
  private final Fixtures.RecordedEvents events = new Fixtures.RecordedEvents();
  private final List<String> forgotten = new ArrayList<>();
  private final PodTermination termination = new PodTermination(runtime,
      new ContainerStops(runtime, new LifecycleHooks(new ProbeRunner(runtime)), events, clock),
      events, forgotten::add);
  private final Pod pod = Fixtures.simplePod();

  private RuntimePod current() {
    return RuntimePod.group(runtime.list(Map.of(PodLabels.POD_UID, "uid-0001-0001"))).get("uid-0001-0001");
  }

  private void runningPod(boolean ignoresStopSignal, String... containers) {
    Map<String, String> labels = new HashMap<>(PodLabels.ofPod("n1", pod, 30));
    labels.put(PodLabels.ROLE, PodLabels.SANDBOX);
    String sandbox = runtime.createSandbox(ContainerSpecs.sandbox(pod, "pause", labels, "POD",
        new PodDns(List.of(), List.of(), List.of()), Optional.empty()));
    runtime.start(sandbox);
    runtime.ignoreStopSignal = ignoresStopSignal;
    for (String name : containers) {
      Map<String, String> app = new HashMap<>(PodLabels.ofPod("n1", pod, 30));
      app.put(PodLabels.ROLE, PodLabels.APP);
      app.put(PodLabels.CONTAINER, name);
      String id = runtime.create(ContainerSpecs.container(pod, pod.getSpec().getContainers()
          .get(0), app, name, sandbox, Map.of(), Map.of()));
      runtime.start(id);
    }
  }

  @Test
  void stubbornContainersAreWaitedForByWakeUpsThenKilledAndEverythingIsRemoved() {
    runningPod(true, "main", "side");
    Instant start = clock.instant();

    Optional<Instant> again = termination.terminate(pod, current(), 40, () -> { });

    assertThat(again).as("look again at the end of the grace period")
        .contains(start.plusSeconds(40));
    assertThat(events.events).contains("Killing: Stopping container main",
        "Killing: Stopping container side");
    assertThat(runtime.boxes).hasSize(3);

    clock.advance(Duration.ofSeconds(40));
    assertThat(termination.terminate(pod, current(), 40, () -> { })).isPresent();
    assertThat(runtime.calls).contains("signal " + runtime.idOf("main") + " SIGKILL",
        "signal " + runtime.idOf("side") + " SIGKILL");

    assertThat(termination.terminate(pod, current(), 40, () -> { })).isEmpty();
    assertThat(runtime.boxes).as("containers and sandbox removed").isEmpty();
    assertThat(forgotten).containsExactly("uid-0001-0001");
    assertThat(events.events.stream().filter(e -> e.startsWith("Killing"))).hasSize(2);
  }

  @Test
  void containersThatObeyTheSignalAreRemovedOnTheNextLook() {
    runningPod(false, "main");

    assertThat(termination.terminate(pod, current(), 30, () -> { })).isPresent();
    assertThat(termination.terminate(pod, current(), 30, () -> { })).isEmpty();

    assertThat(runtime.boxes).isEmpty();
    assertThat(runtime.calls).noneMatch(call -> call.endsWith("main SIGKILL"));
  }

  @Test
  void aPodTheApiNoLongerHasIsStoppedWithoutHooksOrEvents() {
    runningPod(false, "main");

    termination.terminate(null, current(), 30, () -> { });
    termination.terminate(null, current(), 30, () -> { });

    assertThat(runtime.boxes).isEmpty();
    assertThat(events.events).isEmpty();
  }
}
