package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ProbeRunner;
import dev.capstan.agent.runtime.ContainerRuntime.ExecResult;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerStartsTest {

  private final Fixtures.MutableClock clock = new Fixtures.MutableClock();
  private final FakeRuntime runtime = new FakeRuntime(clock);
  private final Fixtures.RecordedEvents events = new Fixtures.RecordedEvents();
  private final ContainerStops stops = new ContainerStops(runtime,
      new LifecycleHooks(new ProbeRunner(runtime)), events, clock);
  private final ContainerStarts starts = new ContainerStarts(runtime,
      new ImagePuller(runtime, events, clock), stops,
      new LifecycleHooks(new ProbeRunner(runtime)), new RestartBackoff(clock),
      (pod, container, podIp, nodeIp) -> Map.of("POD_IP", podIp), events, "192.0.2.1", clock);
  private ContainerStarts.Sandbox sandbox;

  @BeforeEach
  void sandbox() {
    runtime.images.add("app:1");
    runtime.images.add("init:1");
    String id = runtime.createSandbox(ContainerSpecs.sandbox(Fixtures.simplePod(), "pause",
        PodLabels.ofPod("n1", Fixtures.simplePod(), 30), "POD",
        new PodDns(java.util.List.of(), java.util.List.of(), java.util.List.of()),
        java.util.Optional.empty()));
    runtime.start(id);
    sandbox = new ContainerStarts.Sandbox(id, "10.0.0.7",
        PodLabels.ofPod("n1", Fixtures.simplePod(), 30), Map.of());
  }

  private RuntimePod current() {
    return RuntimePod.group(runtime.list(Map.of(PodLabels.POD_UID, "uid-0001-0001"))).get("uid-0001-0001");
  }

  private ContainerStarts.Result run(Pod pod) {
    return starts.run(pod, current(), sandbox, () -> { });
  }

  @Test
  void initContainersRunOneAfterAnotherToCompletionBeforeTheContainers() {
    Pod pod = Fixtures.pod().editSpec()
        .addNewInitContainer().withName("first").withImage("init:1").endInitContainer()
        .addNewInitContainer().withName("second").withImage("init:1").endInitContainer()
        .endSpec().build();

    ContainerStarts.Result result = run(pod);
    assertThat(result.initializing()).isTrue();
    assertThat(result.waiting().get("main").reason()).isEqualTo("PodInitializing");
    assertThat(runtime.calls).filteredOn(c -> c.startsWith("create"))
        .containsExactly("create " + PodLabels.containerName(pod, "first", 0));

    assertThat(run(pod).initializing()).as("first still runs").isTrue();
    runtime.exit(runtime.idOf("first"), 0);
    run(pod);
    runtime.exit(runtime.idOf("second"), 0);
    ContainerStarts.Result started = run(pod);

    assertThat(started.initializing()).isFalse();
    assertThat(runtime.calls).filteredOn(c -> c.startsWith("create")).containsExactly(
        "create " + PodLabels.containerName(pod, "first", 0),
        "create " + PodLabels.containerName(pod, "second", 0),
        "create " + PodLabels.containerName(pod, "main", 0));
  }

  @Test
  void aFailingContainerIsRestartedAtOnceThenBacksOffWithAWakeUpNotAWait() {
    Pod pod = Fixtures.simplePod();
    run(pod);
    runtime.exit(runtime.idOf("main"), 1);

    run(pod);
    assertThat(runtime.box(runtime.idOf("main")).labels).containsEntry(PodLabels.ATTEMPT, "1");
    clock.advance(Duration.ofSeconds(1));
    runtime.exit(runtime.idOf("main"), 1);

    ContainerStarts.Result backingOff = run(pod);
    assertThat(backingOff.waiting().get("main").reason()).isEqualTo("CrashLoopBackOff");
    assertThat(backingOff.waiting().get("main").message()).startsWith("back-off 10s");
    assertThat(backingOff.wakeUp()).contains(clock.instant().plusSeconds(10));
    assertThat(events.events).anyMatch(e -> e.startsWith("BackOff: Back-off restarting"));

    clock.advance(Duration.ofSeconds(10));
    assertThat(run(pod).waiting()).isEmpty();
    assertThat(runtime.box(runtime.idOf("main")).labels).containsEntry(PodLabels.ATTEMPT, "2");
    assertThat(runtime.boxes.values().stream()
        .filter(b -> "main".equals(b.labels.get(PodLabels.CONTAINER))))
        .as("the newest attempt and the one before it are kept").hasSize(2);
  }

  @Test
  void underOnFailureACompletedContainerStaysCompleted() {
    Pod pod = Fixtures.pod().editSpec().withRestartPolicy("OnFailure").endSpec().build();
    run(pod);
    runtime.exit(runtime.idOf("main"), 0);

    run(pod);

    assertThat(runtime.calls).filteredOn(c -> c.startsWith("create")).hasSize(1);
  }

  @Test
  void aMissingImageIsPulledWhileThePodWaitsAndTheContainerStartsWhenItArrives() {
    Pod pod = Fixtures.pod().editSpec().editContainer(0).withImage("big:2").endContainer()
        .endSpec().build();

    ContainerStarts.Result pulling = run(pod);
    assertThat(pulling.waiting().get("main").reason()).isEqualTo("ContainerCreating");
    assertThat(pulling.wakeUp()).as("the pull wakes the pod").isEmpty();
    assertThat(events.events).contains("Pulling: Pulling image \"big:2\"");

    runtime.finishPull("big:2");
    assertThat(run(pod).waiting()).isEmpty();
    assertThat(events.events).anyMatch(e -> e.startsWith("Pulled: Successfully pulled image"));
    assertThat(runtime.box(runtime.idOf("main")).running).isTrue();
  }

  @Test
  void aChangedImageStopsTheOldContainerFirstThenStartsTheNewOne() {
    run(Fixtures.simplePod());
    String old = runtime.idOf("main");
    runtime.box(old).ignoresStopSignal = true;
    runtime.images.add("app:2");
    Pod changed = Fixtures.pod().editSpec().editContainer(0).withImage("app:2").endContainer()
        .endSpec().build();

    ContainerStarts.Result stopping = run(changed);
    assertThat(stopping.wakeUp()).contains(clock.instant().plusSeconds(30));
    assertThat(events.events).contains(
        "Killing: Container main definition changed, will be restarted");
    assertThat(runtime.idOf("main")).as("not replaced while the old one runs").isEqualTo(old);

    clock.advance(Duration.ofSeconds(30));
    run(changed);
    run(changed);
    assertThat(runtime.box(runtime.idOf("main")).image).isEqualTo("app:2");
    assertThat(runtime.box(runtime.idOf("main")).running).isTrue();
  }

  @Test
  void aContainerIsNotReadyUntilItsPostStartHookEndsAndAFailedHookKillsIt() {
    CompletableFuture<ExecResult> hook = new CompletableFuture<>();
    runtime.execs = command -> hook;
    Pod pod = Fixtures.pod().editSpec().editContainer(0).withNewLifecycle().withNewPostStart()
        .withNewExec().withCommand("register").endExec().endPostStart().endLifecycle()
        .endContainer().endSpec().build();

    run(pod);
    String id = runtime.idOf("main");
    assertThat(starts.postStartPending(id)).isTrue();

    hook.complete(new ExecResult(1, "refused"));
    run(pod);
    assertThat(starts.postStartPending(id)).isFalse();
    assertThat(events.events).contains("FailedPostStartHook: PostStartHook failed: refused");
    assertThat(runtime.calls).contains("signal " + id + " SIGKILL");
  }

  @Test
  void theEnvironmentAndLabelsReachTheRuntime() {
    Map<String, String> labels = new HashMap<>();
    run(Fixtures.simplePod());
    labels.putAll(runtime.box(runtime.idOf("main")).labels);
    assertThat(labels).containsEntry(PodLabels.IMAGE, "app:1")
        .containsEntry(PodLabels.ROLE, PodLabels.APP)
        .containsEntry(PodLabels.POD_UID, "uid-0001-0001");
  }
}
