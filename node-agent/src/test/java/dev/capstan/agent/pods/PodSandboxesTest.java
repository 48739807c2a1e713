package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ProbeRunner;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PodSandboxesTest {

  private final Fixtures.MutableClock clock = new Fixtures.MutableClock();
  private final FakeRuntime runtime = new FakeRuntime(clock);
  private final Fixtures.RecordedEvents events = new Fixtures.RecordedEvents();
  private final ContainerStops stops = new ContainerStops(runtime,
      new LifecycleHooks(new ProbeRunner(runtime)), events, clock);
  private final PodSandboxes sandboxes = new PodSandboxes(runtime,
      new ImagePuller(runtime, events, clock), stops, "pause:1", new PodNetworking(), clock);
  private final Pod pod = Fixtures.simplePod();
  private final Map<String, String> labels = PodLabels.ofPod("n1", pod, 30);
  private final AtomicInteger wakes = new AtomicInteger();

  private RuntimePod current() {
    return RuntimePod.group(runtime.list(Map.of(PodLabels.POD_UID, "uid-0001-0001"))).get("uid-0001-0001");
  }

  @Test
  void theSandboxImageIsPulledInTheBackgroundAndThePodWokenWhenItIsHere() {
    PodSandboxes.Result pulling = sandboxes.ensure(pod, null, labels, wakes::incrementAndGet);

    assertThat(pulling.sandbox()).isEmpty();
    assertThat(pulling.retryAt()).as("the pull's end wakes the pod").isEmpty();
    assertThat(runtime.calls).containsExactly("pull pause:1");

    runtime.finishPull("pause:1");
    assertThat(wakes).hasValue(1);
    PodSandboxes.Result ready = sandboxes.ensure(pod, null, labels, wakes::incrementAndGet);
    assertThat(ready.sandbox()).hasValueSatisfying(sandbox -> {
      assertThat(sandbox.running()).isTrue();
      assertThat(sandbox.ip()).contains("10.0.0.7");
      assertThat(sandbox.labels()).containsEntry(PodLabels.ROLE, PodLabels.SANDBOX)
          .containsEntry(PodLabels.ATTEMPT, "0");
    });
  }

  @Test
  void aRunningSandboxIsKept() {
    runtime.images.add("pause:1");
    String first = sandboxes.ensure(pod, null, labels, () -> { }).sandbox().orElseThrow().id();

    String again = sandboxes.ensure(pod, current(), labels, () -> { }).sandbox().orElseThrow()
        .id();

    assertThat(again).isEqualTo(first);
    assertThat(runtime.boxes).hasSize(1);
  }

  @Test
  void aDeadSandboxsContainersAreKilledBeforeANewSandboxTakesItsPlace() {
    runtime.images.add("pause:1");
    String old = sandboxes.ensure(pod, null, labels, () -> { }).sandbox().orElseThrow().id();
    Map<String, String> app = new HashMap<>(labels);
    app.put(PodLabels.ROLE, PodLabels.APP);
    app.put(PodLabels.CONTAINER, "main");
    runtime.ignoreStopSignal = true;
    String main = runtime.create(ContainerSpecs.container(pod, pod.getSpec().getContainers()
        .get(0), app, "main", old, Map.of(), Map.of()));
    runtime.start(main);
    runtime.exit(old, 0);

    PodSandboxes.Result killing = sandboxes.ensure(pod, current(), labels, () -> { });
    assertThat(killing.sandbox()).isEmpty();
    assertThat(runtime.calls).contains("signal " + main + " SIGKILL");

    PodSandboxes.Result replaced = sandboxes.ensure(pod, current(), labels, () -> { });
    assertThat(replaced.sandbox()).hasValueSatisfying(sandbox ->
        assertThat(sandbox.labels()).containsEntry(PodLabels.ATTEMPT, "1"));
    assertThat(runtime.boxes).as("the dead sandbox is removed").doesNotContainKey(old);
  }

  @Test
  void aSandboxThatCannotBePulledSaysWhyAndRetriesLater() {
    PodSandboxes.Result pulling = sandboxes.ensure(pod, null, labels, () -> { });
    runtime.pulls.get("pause:1").completeExceptionally(new IllegalStateException("no registry"));

    PodSandboxes.Result failed = sandboxes.ensure(pod, null, labels, () -> { });

    assertThat(pulling.sandbox()).isEmpty();
    assertThat(failed.problem()).contains("no registry");
    assertThat(failed.retryAt()).isEqualTo(Optional.of(clock.instant().plusSeconds(5)));
  }
}
