package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container's environment as Kubernetes builds it: the service variables (see
 * {@link ServiceEnvironment}) of the {@code kubernetes} service and, unless
 * {@code enableServiceLinks} is false, of the services in the pod's namespace; then
 * {@code envFrom} sources, then {@code env} in order, each overriding what came before, with
 * {@code valueFrom} read from the pod itself (fieldRef) or from ConfigMaps and Secrets in its
 * namespace, and {@code $(VAR)} references to variables defined before expanded ({@code $$}
 * escapes).
 */
final class EnvResolver {

  /** A container's configuration cannot be made (a missing ConfigMap key, say). */
  static final class ConfigError extends Exception {
    ConfigError(String message) {
      super(message);
    }
  }

  private final KubernetesClient api;

  EnvResolver(KubernetesClient api) {
    this.api = api;
  }

  Map<String, String> resolve(Pod pod, Container container, String podIp, String hostIp)
      throws ConfigError {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>(serviceVariables(pod));
    for (EnvFromSource from : orEmpty(container.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getConfigMapRef() != null) {
        String name = from.getConfigMapRef().getName();
        Optional<Map<String, String>> data = configMap(namespace, name);
        if (data.isEmpty() && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
          throw new ConfigError("configmap \"" + name + "\" not found");
        }
        data.orElse(Map.of()).forEach((key, value) -> env.put(prefix + key, value));
      }
      if (from.getSecretRef() != null) {
        String name = from.getSecretRef().getName();
        Optional<Map<String, String>> data = secret(namespace, name);
        if (data.isEmpty() && !Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
          throw new ConfigError("secret \"" + name + "\" not found");
        }
        data.orElse(Map.of()).forEach((key, value) -> env.put(prefix + key, value));
      }
    }
    for (EnvVar variable : orEmpty(container.getEnv())) {
      Optional<String> value = variable.getValueFrom() == null
          ? Optional.of(expand(variable.getValue() == null ? "" : variable.getValue(), env))
          : valueFrom(pod, variable.getName(), variable.getValueFrom(), podIp, hostIp);
      value.ifPresent(v -> env.put(variable.getName(), v));
    }
    return env;
  }

  private Map<String, String> serviceVariables(Pod pod) {
    List<Service> services = new ArrayList<>();
    Service master = api.services().inNamespace("default").withName("kubernetes").get();
    if (master != null) {
      services.add(master);
    }
    if (!Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks())) {
      api.services().inNamespace(pod.getMetadata().getNamespace()).list().getItems().stream()
          .filter(service -> master == null
              || !service.getMetadata().getUid().equals(master.getMetadata().getUid()))
          .forEach(services::add);
    }
    return ServiceEnvironment.of(services);
  }

  /** Expands {@code $(VAR)} with the variables given; unknown references stay as written. */
  static String expand(String text, Map<String, String> variables) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
        out.append('$');
        i++;
      } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
        int end = text.indexOf(')', i + 2);
        String name = end < 0 ? null : text.substring(i + 2, end);
        if (name != null && variables.containsKey(name)) {
          out.append(variables.get(name));
          i = end;
        } else {
          out.append(c);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static List<String> expandAll(List<String> texts, Map<String, String> variables) {
    List<String> expanded = new ArrayList<>();
    for (String text : orEmpty(texts)) {
      expanded.add(expand(text, variables));
    }
    return expanded;
  }

  private Optional<String> valueFrom(Pod pod, String variable, EnvVarSource source, String podIp,
      String hostIp) throws ConfigError {
    String namespace = pod.getMetadata().getNamespace();
    if (source.getFieldRef() != null) {
      String path = source.getFieldRef().getFieldPath();
      return Optional.of(switch (path) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> namespace;
        case "metadata.uid" -> pod.getMetadata().getUid();
        case "spec.nodeName" -> pod.getSpec().getNodeName();
        case "spec.serviceAccountName" -> orBlank(pod.getSpec().getServiceAccountName());
        case "status.podIP" -> podIp;
        case "status.hostIP" -> hostIp;
        default -> fieldWithKey(pod, path, variable);
      });
    }
    if (source.getConfigMapKeyRef() != null) {
      var ref = source.getConfigMapKeyRef();
      Optional<String> value = configMap(namespace, ref.getName()).map(data -> data.get(ref.getKey()));
      if (value.isEmpty() && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new ConfigError("couldn't find key " + ref.getKey() + " in ConfigMap "
            + namespace + "/" + ref.getName());
      }
      return value;
    }
    if (source.getSecretKeyRef() != null) {
      var ref = source.getSecretKeyRef();
      Optional<String> value = secret(namespace, ref.getName()).map(data -> data.get(ref.getKey()));
      if (value.isEmpty() && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new ConfigError("couldn't find key " + ref.getKey() + " in Secret "
            + namespace + "/" + ref.getName());
      }
      return value;
    }
    return Optional.empty();
  }

  private static String fieldWithKey(Pod pod, String path, String variable) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
    if (matcher.matches()) {
      Map<String, String> values = matcher.group(1).equals("labels")
          ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
      return values == null ? "" : values.getOrDefault(matcher.group(2), "");
    }
    return "";
  }

  Optional<Map<String, String>> configMap(String namespace, String name) {
    ConfigMap map = api.configMaps().inNamespace(namespace).withName(name).get();
    if (map == null) {
      return Optional.empty();
    }
    Map<String, String> data = new LinkedHashMap<>();
    if (map.getData() != null) {
      data.putAll(map.getData());
    }
    return Optional.of(data);
  }

  /**
   * A pod-bound ServiceAccount token from the API's TokenRequest, asked with this agent's own
   * credential (the kubelet's {@code serviceAccountToken} projection).
   */
  ServiceAccountToken serviceAccountToken(Pod pod, String audience, long expirationSeconds)
      throws ConfigError {
    String namespace = pod.getMetadata().getNamespace();
    String account = orBlank(pod.getSpec().getServiceAccountName()).isEmpty() ? "default"
        : pod.getSpec().getServiceAccountName();
    Map<String, Object> spec = new LinkedHashMap<>();
    if (audience != null && !audience.isEmpty()) {
      spec.put("audiences", List.of(audience));
    }
    spec.put("expirationSeconds", expirationSeconds);
    spec.put("boundObjectRef", Map.of("apiVersion", "v1", "kind", "Pod",
        "name", pod.getMetadata().getName(), "uid", pod.getMetadata().getUid()));
    Map<String, Object> request = Map.of("apiVersion", "authentication.k8s.io/v1",
        "kind", "TokenRequest", "spec", spec);
    String url = api.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/"
        + namespace + "/serviceaccounts/" + account + "/token";
    try {
      String answer = api.raw(url, "POST", request);
      if (answer == null) {
        throw new ConfigError("failed to fetch token: serviceaccount \"" + account
            + "\" not found");
      }
      var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer)
          .path("status");
      String token = status.path("token").asText("");
      if (token.isEmpty()) {
        throw new ConfigError("failed to fetch token: the answer holds no token");
      }
      return new ServiceAccountToken(token,
          java.time.Instant.parse(status.path("expirationTimestamp").asText()));
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      throw new ConfigError("failed to fetch token: " + e.getMessage());
    } catch (java.io.IOException | java.time.format.DateTimeParseException e) {
      throw new ConfigError("failed to fetch token: unreadable answer: " + e.getMessage());
    }
  }

  /** A token and when it expires. */
  record ServiceAccountToken(String token, java.time.Instant expires) {}

  /** A downward API field of the pod, as files and variables see it. */
  static String podField(Pod pod, String path) {
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.nodeName" -> orBlank(pod.getSpec().getNodeName());
      case "spec.serviceAccountName" -> orBlank(pod.getSpec().getServiceAccountName());
      case "metadata.labels" -> lines(pod.getMetadata().getLabels());
      case "metadata.annotations" -> lines(pod.getMetadata().getAnnotations());
      default -> fieldWithKey(pod, path, path);
    };
  }

  /** {@code key="value"} lines, sorted, as the kubelet writes labels and annotations. */
  private static String lines(Map<String, String> values) {
    if (values == null) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    values.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> text
        .append(entry.getKey()).append("=\"").append(entry.getValue().replace("\\", "\\\\")
            .replace("\"", "\\\"").replace("\n", "\\n")).append("\"\n"));
    return text.toString().stripTrailing();
  }

  Optional<Map<String, String>> secret(String namespace, String name) {
    Secret secret = api.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) -> data.put(key,
          new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return Optional.of(data);
  }

  /** Where a claim's volume is on this machine, and how it is to be made ready. */
  record ClaimedVolume(String volumeName, java.nio.file.Path path, boolean create) {}

  /**
   * The volume a claim is bound to, as the kubelet's volume manager finds it: the claim, then
   * its PersistentVolume (read with this node's own credential, which the Node authorizer lets
   * read only those its pods use). Capstan's nodes mount {@code hostPath} and {@code local}
   * volumes; a claim not yet bound is an error the pod's worker retries.
   */
  ClaimedVolume claimedVolume(String namespace, String claim) throws ConfigError {
    io.fabric8.kubernetes.api.model.PersistentVolumeClaim pvc =
        api.persistentVolumeClaims().inNamespace(namespace).withName(claim).get();
    if (pvc == null) {
      throw new ConfigError("persistentvolumeclaim \"" + claim + "\" not found");
    }
    String volumeName = pvc.getSpec() == null ? "" : orBlank(pvc.getSpec().getVolumeName());
    if (volumeName.isEmpty() || pvc.getStatus() == null
        || !"Bound".equals(pvc.getStatus().getPhase())) {
      throw new ConfigError("persistentvolumeclaim \"" + claim + "\" is not bound");
    }
    io.fabric8.kubernetes.api.model.PersistentVolume volume =
        api.persistentVolumes().withName(volumeName).get();
    if (volume == null) {
      throw new ConfigError("persistentvolume \"" + volumeName + "\" not found");
    }
    var spec = volume.getSpec();
    if (spec.getHostPath() != null) {
      String type = orBlank(spec.getHostPath().getType());
      return new ClaimedVolume(volumeName, java.nio.file.Path.of(spec.getHostPath().getPath()),
          type.isEmpty() || type.equals("DirectoryOrCreate"));
    }
    if (spec.getLocal() != null) {
      return new ClaimedVolume(volumeName, java.nio.file.Path.of(spec.getLocal().getPath()),
          false);
    }
    throw new ConfigError("persistentvolume \"" + volumeName + "\" is of a type this node"
        + " cannot mount (hostPath and local are)");
  }

  private static String orBlank(String text) {
    return text == null ? "" : text;
  }

  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
