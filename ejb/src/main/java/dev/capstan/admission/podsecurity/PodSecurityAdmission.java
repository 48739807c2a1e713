package dev.capstan.admission.podsecurity;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.strings;

import dev.capstan.access.RequestingUser;
import dev.capstan.access.User;
import dev.capstan.admission.AdmissionDenied;
import dev.capstan.admission.AdmissionWarnings;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pod Security admission (Kubernetes' built-in {@code PodSecurity} plugin): reads the namespace's
 * policy from its labels over the cluster defaults ({@link PodSecurityDefaults}) and
 *
 * <ul>
 *   <li>refuses a new pod that violates the enforce level (403, {@code violates PodSecurity
 *       "baseline:latest": ...}), whoever creates it: a ReplicaSet's refused pod becomes its
 *       FailedCreate event;
 *   <li>warns about and audits a pod or a workload's pod template that violates the warn or
 *       audit level (workloads are never refused);
 *   <li>tells whoever raises a namespace's enforce level which of its pods violate it.
 * </ul>
 *
 * Pods in exempt namespaces ({@code kube-system} by default), pods of exempt RuntimeClasses and
 * requests of exempt users are never checked; the audit event says which exemption applied.
 */
@ApplicationScoped
public class PodSecurityAdmission {

  @Inject
  private ObjectStore store;

  @Inject
  private Instance<AdmissionWarnings> warnings;

  private final NamespacePolicy defaults = PodSecurityDefaults.policy();
  @Inject
  private Instance<RequestingUser> requestingUser;

  private final Set<String> exempt = PodSecurityDefaults.exemptNamespaces();
  private final Set<String> exemptUsers = PodSecurityDefaults.exemptUsernames();
  private final Set<String> exemptRuntimeClasses = PodSecurityDefaults.exemptRuntimeClasses();

  /** The audit annotation that says why a request was not checked. */
  static final String EXEMPT_ANNOTATION = "pod-security.kubernetes.io/exempt";

  /** Admits a new pod, or an update of one that changes an image (as Kubernetes checks). */
  public void admitPod(String namespace, JsonObject pod) {
    Optional<String> exemption = exemption(namespace, object(pod, "spec"));
    if (exemption.isPresent()) {
      AdmissionWarnings.add(warnings, List.of(), Map.of(EXEMPT_ANNOTATION, exemption.get()));
      return;
    }
    PodSecurityDecisions.Outcome outcome = PodSecurityDecisions.evaluate(policy(namespace),
        object(pod, "metadata"), object(pod, "spec"), true);
    if (outcome.refusal().isPresent()) {
      throw new AdmissionDenied("pods", object(pod, "metadata").getString("name", ""),
          outcome.refusal().get());
    }
    AdmissionWarnings.add(warnings, outcome.warnings(), outcome.auditAnnotations());
  }

  /** Admits a pod update that changes an image or adds a container, as Kubernetes does. */
  public void admitPodUpdate(String namespace, JsonObject before, JsonObject after) {
    if (PodSecurityDecisions.significantPodUpdate(before, after)) {
      admitPod(namespace, after);
    }
  }

  /** Warns about and audits a workload's pod template; never refuses. */
  public void admitWorkload(ResourceType type, String namespace, JsonObject object) {
    PodTemplates.of(type.group(), type.kind(), object).ifPresent(template -> {
      Optional<String> exemption = exemption(namespace, template.spec());
      if (exemption.isPresent()) {
        AdmissionWarnings.add(warnings, List.of(), Map.of(EXEMPT_ANNOTATION, exemption.get()));
        return;
      }
      PodSecurityDecisions.Outcome outcome = PodSecurityDecisions.evaluate(policy(namespace),
          template.metadata(), template.spec(), false);
      AdmissionWarnings.add(warnings, outcome.warnings(), outcome.auditAnnotations());
    });
  }

  /** The warnings for a namespace created with these labels. */
  public List<String> namespaceCreated(String namespace, Map<String, String> labels) {
    if (!exempt.contains(namespace)) {
      return List.of();
    }
    NamespacePolicy policy = NamespacePolicy.resolve(labels, defaults).policy();
    return PodSecurityDecisions.exemptNamespace(namespace, policy, defaults, labels).stream()
        .toList();
  }

  /** The warnings for a namespace relabelled from {@code before} to {@code after}. */
  public List<String> namespaceRelabelled(String namespace, Map<String, String> before,
      Map<String, String> after) {
    NamespacePolicy old = NamespacePolicy.resolve(before, defaults).policy();
    NamespacePolicy now = NamespacePolicy.resolve(after, defaults).policy();
    if (now.enforce().equals(old.enforce())) {
      return List.of();
    }
    if (exempt.contains(namespace)) {
      return PodSecurityDecisions.exemptNamespace(namespace, now, defaults, after).stream()
          .toList();
    }
    List<JsonObject> pods = store.list(ResourceTypes.POD.all(Optional.of(namespace), ""))
        .bodies();
    return PodSecurityDecisions.relabelled(namespace, old, now, pods);
  }

  /**
   * Why a pod (spec) is exempt from checks, in the words of Kubernetes' audit annotation
   * {@code pod-security.kubernetes.io/exempt}: its namespace, the requesting user, or its
   * RuntimeClass is exempt; empty when it is checked.
   */
  private Optional<String> exemption(String namespace, JsonObject podSpec) {
    if (exempt.contains(namespace)) {
      return Optional.of("namespace");
    }
    if (!exemptUsers.isEmpty() && requestingUserName().filter(exemptUsers::contains).isPresent()) {
      return Optional.of("user");
    }
    String runtimeClass = podSpec.getString("runtimeClassName", "");
    if (!runtimeClass.isEmpty() && exemptRuntimeClasses.contains(runtimeClass)) {
      return Optional.of("runtimeClass");
    }
    return Optional.empty();
  }

  /** The user of the API request this runs in; empty for a controller's own writes. */
  private Optional<String> requestingUserName() {
    try {
      return requestingUser.get().get().map(User::name);
    } catch (ContextNotActiveException e) {
      return Optional.empty();
    }
  }

  /** The namespace's policy; one that cannot be read is the defaults (it is being created). */
  private NamespacePolicy policy(String namespace) {
    Map<String, String> labels = store.get(ResourceTypes.NAMESPACE.key("", namespace))
        .map(StoredObject::json)
        .map(ns -> strings(object(object(ns, "metadata"), "labels")))
        .orElse(Map.of());
    return NamespacePolicy.resolve(labels, defaults).policy();
  }
}
