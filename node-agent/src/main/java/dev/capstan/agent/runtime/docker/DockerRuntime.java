package dev.capstan.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.capstan.agent.runtime.ContainerConfig;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import dev.capstan.agent.runtime.SandboxConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Docker engine, through docker-java: the agent's one {@link ContainerRuntime}, plus what
 * only Docker-specific parts use (node info, bridge networks, the streaming server's logs and
 * interactive exec). Each call is a single request that succeeds or throws docker-java's
 * unchecked exceptions; pulls and execs answer with futures completed by docker-java's own
 * stream threads, so no caller's thread waits on them. Operations on a container or image that
 * is already in the wanted state (stopped, gone) succeed.
 */
public final class DockerRuntime implements ContainerRuntime, Closeable {

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final DockerClient docker;
  private final ZerodepDockerHttpClient http;

  public DockerRuntime(String dockerHost) {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost)
        .build();
    http = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(32)
        .connectionTimeout(Duration.ofSeconds(5))
        .responseTimeout(Duration.ofSeconds(60))
        .build();
    docker = DockerClientImpl.getInstance(config, http);
  }

  /** Whether the engine answers a ping. */
  public boolean ping() {
    try {
      docker.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public Info info() {
    return docker.infoCmd().exec();
  }

  public String version() {
    return docker.versionCmd().exec().getVersion();
  }

  /** All containers (running or not) carrying every one of these labels. */
  public List<Container> containers(Map<String, String> labels) {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
  }

  @Override
  public List<ContainerSummary> list(Map<String, String> labels) {
    return containers(labels).stream()
        .map(c -> new ContainerSummary(c.getId(), c.getLabels(), "running".equals(c.getState()),
            c.getCreated() == null ? 0 : c.getCreated()))
        .toList();
  }

  /**
   * Docker's inspection, read as JSON here because docker-java's model leaves out the
   * container's {@code Config.StopSignal} (the image's {@code STOPSIGNAL}), which stopping needs.
   */
  @Override
  public Optional<ContainerInfo> inspect(String id) {
    var request = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET)
        .path("/containers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/json")
        .build();
    try (var response = http.execute(request)) {
      if (response.getStatusCode() == 404) {
        return Optional.empty();
      }
      var json = JSON.readTree(response.getBody());
      if (response.getStatusCode() != 200) {
        throw new DockerException(json.path("message")
            .asText("inspecting " + id + " failed"), response.getStatusCode());
      }
      String stopSignal = json.path("Config").path("StopSignal").asText(null);
      return Optional.of(DockerSpecs.info(JSON.treeToValue(json, InspectContainerResponse.class),
          stopSignal));
    } catch (IOException e) {
      throw new UncheckedIOException("inspecting container " + id, e);
    }
  }

  /** Docker's own description of a container. */
  public Optional<InspectContainerResponse> inspectContainer(String id) {
    try {
      return Optional.of(docker.inspectContainerCmd(id).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean hasImage(String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** The image's id ({@code sha256:...}), if it is here. */
  public Optional<String> imageId(String image) {
    try {
      return Optional.ofNullable(docker.inspectImageCmd(image).exec().getId());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** An image on this engine: its names (digests, then tags) and size. */
  public record Image(List<String> names, long sizeBytes) {}

  /** The engine's images, each with the names it is known by. */
  public List<Image> images() {
    return docker.listImagesCmd().exec().stream()
        .map(image -> {
          List<String> names = new java.util.ArrayList<>();
          for (String[] named : new String[][] {image.getRepoDigests(), image.getRepoTags()}) {
            for (String name : named == null ? new String[0] : named) {
              if (!name.startsWith("<none>")) {
                names.add(name);
              }
            }
          }
          return new Image(List.copyOf(names), image.getSize() == null ? 0 : image.getSize());
        })
        .filter(image -> !image.names().isEmpty())
        .toList();
  }

  @Override
  public CompletableFuture<Void> pull(String image, Duration timeout) {
    CompletableFuture<Void> pulled = new CompletableFuture<>();
    // onError is overridden so a failed pull is reported to the caller, not logged as SEVERE
    // with a stack trace by docker-java's callback.
    docker.pullImageCmd(image).exec(new com.github.dockerjava.api.command
        .PullImageResultCallback() {
      @Override
      public void onError(Throwable throwable) {
        pulled.completeExceptionally(throwable);
        try {
          close();
        } catch (IOException e) {
          // already closing
        }
      }

      @Override
      public void onComplete() {
        super.onComplete();
        pulled.complete(null);
      }
    });
    return pulled.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The gateway address of Docker's default bridge, the host as the pods on it reach it. */
  public Optional<String> bridgeGateway() {
    try {
      var network = docker.inspectNetworkCmd().withNetworkId("bridge").exec();
      if (network.getIpam() == null || network.getIpam().getConfig() == null) {
        return Optional.empty();
      }
      return network.getIpam().getConfig().stream()
          .map(config -> config.getGateway())
          .filter(gateway -> gateway != null && !gateway.isEmpty() && !gateway.contains(":"))
          .findFirst();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The bridge devices of the networks this engine knows that name theirs
   * ({@code com.docker.network.bridge.name}, as the agents' pod networks do); empty when the
   * engine does not answer.
   */
  public Optional<Set<String>> namedBridges() {
    try {
      return Optional.of(docker.listNetworksCmd().exec().stream()
          .map(network -> network.getOptions() == null ? null
              : network.getOptions().get("com.docker.network.bridge.name"))
          .filter(bridge -> bridge != null && !bridge.isEmpty())
          .collect(java.util.stream.Collectors.toSet()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Makes sure a bridge network {@code name} with this subnet and gateway exists (replacing one of
   * that name with another subnet when nothing uses it), with Docker's masquerading off: the agent
   * masquerades only what leaves the cluster's pod range.
   *
   * @return whether the network is there as asked
   */
  public boolean ensureBridgeNetwork(String name, String bridge, String subnet, String gateway) {
    try {
      var existing = docker.listNetworksCmd().withNameFilter(name).exec().stream()
          .filter(network -> network.getName().equals(name)).findFirst();
      if (existing.isPresent()) {
        boolean same = existing.get().getIpam() != null
            && existing.get().getIpam().getConfig() != null
            && existing.get().getIpam().getConfig().stream()
                .anyMatch(config -> subnet.equals(config.getSubnet()));
        if (same) {
          return true;
        }
        docker.removeNetworkCmd(existing.get().getId()).exec();
      }
      docker.createNetworkCmd().withName(name).withDriver("bridge")
          .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
              new com.github.dockerjava.api.model.Network.Ipam.Config()
                  .withSubnet(subnet).withGateway(gateway)))
          .withOptions(Map.of("com.docker.network.bridge.name", bridge,
              "com.docker.network.bridge.enable_ip_masquerade", "false"))
          .withLabels(Map.of("io.capstan.network", "pods"))
          .exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public String createSandbox(SandboxConfig config) {
    return DockerSpecs.sandbox(config).apply(docker.createContainerCmd(config.image())).exec()
        .getId();
  }

  @Override
  public String create(ContainerConfig config) {
    return DockerSpecs.container(config).apply(docker.createContainerCmd(config.image())).exec()
        .getId();
  }

  @Override
  public void start(String id) {
    try {
      docker.startContainerCmd(id).exec();
    } catch (NotModifiedException e) {
      // already running
    }
  }

  @Override
  public void signal(String id, String signal) {
    try {
      docker.killContainerCmd(id).withSignal(signal).exec();
    } catch (NotModifiedException | NotFoundException | ConflictException e) {
      // not running, or gone: nothing left to signal
    }
  }

  @Override
  public void remove(String id) {
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // already gone
    }
  }

  /**
   * Calls {@code onEvent} with the id and labels of every container that dies, starts or is
   * destroyed and carries these labels, until the returned handle is closed.
   */
  public Closeable onContainerEvents(Map<String, String> labels,
      Consumer<Map<String, String>> onEvent) {
    EventSubscription subscription = new EventSubscription(labels, onEvent);
    subscription.subscribe();
    return subscription;
  }

  /**
   * Docker's event stream, subscribed again 5 s after it ends or fails (the engine restarted or
   * was not there yet), until closed.
   */
  private final class EventSubscription implements Closeable {
    private final Map<String, String> labels;
    private final Consumer<Map<String, String>> onEvent;
    private volatile boolean closed;
    private volatile ResultCallback.Adapter<Event> current;

    EventSubscription(Map<String, String> labels, Consumer<Map<String, String>> onEvent) {
      this.labels = labels;
      this.onEvent = onEvent;
    }

    void subscribe() {
      if (closed) {
        return;
      }
      current = docker.eventsCmd()
          .withEventTypeFilter(EventType.CONTAINER)
          .withEventFilter("die", "start", "destroy", "oom")
          .withLabelFilter(labels)
          .exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
              if (event.getActor() != null && event.getActor().getAttributes() != null) {
                onEvent.accept(event.getActor().getAttributes());
              }
            }

            @Override
            public void onError(Throwable throwable) {
              // logged by whoever needs Docker; here only the subscription is renewed
              resubscribeLater();
            }

            @Override
            public void onComplete() {
              resubscribeLater();
            }
          });
    }

    private void resubscribeLater() {
      if (closed) {
        return;
      }
      Thread retry = new Thread(() -> {
        try {
          Thread.sleep(5_000);
          subscribe();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          resubscribeLater();
        }
      }, "capstan-docker-events");
      retry.setDaemon(true);
      retry.start();
    }

    @Override
    public void close() throws IOException {
      closed = true;
      ResultCallback.Adapter<Event> callback = current;
      if (callback != null) {
        callback.close();
      }
    }
  }

  @Override
  public CompletableFuture<ExecResult> exec(String containerId, List<String> command,
      Duration timeout) {
    String execId = docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
        .withAttachStdout(true).withAttachStderr(true).exec().getId();
    StringBuilder output = new StringBuilder();
    CompletableFuture<ExecResult> result = new CompletableFuture<>();
    ResultCallback.Adapter<com.github.dockerjava.api.model.Frame> callback =
        docker.execStartCmd(execId).exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(com.github.dockerjava.api.model.Frame frame) {
            synchronized (output) {
              if (output.length() < 10_240) {
                output.append(new String(frame.getPayload(),
                    java.nio.charset.StandardCharsets.UTF_8));
              }
            }
          }

          @Override
          public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
          }

          @Override
          public void onComplete() {
            try {
              Long exitCode = docker.inspectExecCmd(execId).exec().getExitCodeLong();
              synchronized (output) {
                result.complete(new ExecResult(exitCode == null ? -1 : exitCode,
                    output.toString()));
              }
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          }
        });
    return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((done, failure) -> {
          if (failure != null) {
            try {
              callback.close();
            } catch (IOException e) {
              // closing a stream we gave up on
            }
          }
        });
  }

  public DockerClient client() {
    return docker;
  }

  @Override
  public void close() throws IOException {
    docker.close();
  }
}
