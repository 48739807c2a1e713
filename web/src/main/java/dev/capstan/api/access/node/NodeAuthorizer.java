package dev.capstan.api.access.node;

import dev.capstan.access.NodeIdentity;
import dev.capstan.access.User;
import dev.capstan.api.access.Authorizer;
import dev.capstan.api.access.Decision;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.nodes.PodReferences;
import dev.capstan.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Kubernetes' Node authorizer ({@code --authorization-mode=Node,RBAC}, first): a node agent's
 * identity ({@code system:node:<name>} in {@code system:nodes}) is allowed to read the Secrets,
 * ConfigMaps, PersistentVolumeClaims (and the PersistentVolumes they are bound to) and
 * ServiceAccounts that pods bound to its node reference
 * (one object by name: no lists of them) and what {@link NodeRules} lists; which Node, pods and
 * lease it writes is NodeRestriction's business (admission). Anything else gets no opinion, with
 * Kubernetes' reason ({@code no relationship found between node 'a' and this object}), so RBAC
 * decides next and, without a binding for the node, refuses with that reason in the 403. Users
 * that are not nodes get no opinion.
 *
 * <p>The graph is not kept in memory as Kubernetes keeps it: the pods bound to the node in the
 * object's namespace are read from the store (by {@code spec.nodeName}) when a node asks for one
 * of these objects, which is when a pod starts.
 *
 * <p>Credentials: a node may ask for a new credential of its own ({@code create nodes/token},
 * to rotate it), and a node's bootstrap identity ({@code system:bootstrap:<node>} in
 * {@code system:bootstrappers}) for that, and nothing else; in Kubernetes the bootstrap token may
 * create CertificateSigningRequests, and the CSR approver signs node client certificates.
 */
@ApplicationScoped
public class NodeAuthorizer implements Authorizer {

  @Inject
  private ObjectStore store;

  /** The pods bound to a node in a namespace (and the volumes their claims are bound to). */
  interface BoundPods {
    List<JsonObject> in(String namespace, String node);

    /** A PersistentVolume by name, to find the claim it is bound to. */
    default Optional<JsonObject> volume(String name) {
      return Optional.empty();
    }
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public Decision authorize(User user, RequestInfo request) {
    return decide(user, request, new BoundPods() {
      @Override
      public List<JsonObject> in(String namespace, String node) {
        return store.list(ResourceTypes.POD.all(Optional.of(namespace), "spec.nodeName=" + node))
            .bodies();
      }

      @Override
      public Optional<JsonObject> volume(String name) {
        return store.get(ResourceTypes.PERSISTENT_VOLUME.key("", name)).map(stored -> stored.json());
      }
    });
  }

  /** The decision, with the pods bound to a node read through {@code pods}. */
  static Decision decide(User user, RequestInfo request, BoundPods pods) {
    Optional<String> bootstrapping = NodeIdentity.bootstrapNodeName(user);
    if (bootstrapping.isPresent()) {
      return credentialRequest(bootstrapping.get(), request)
          ? Decision.allow("") : Decision.noOpinion("");
    }
    Optional<String> node = NodeIdentity.nodeName(user);
    if (node.isEmpty()) {
      return Decision.noOpinion("");
    }
    if (request.resourceRequest() && request.apiGroup().isEmpty()
        && request.resource().equals("nodes") && request.subresource().equals("token")) {
      return credentialRequest(node.get(), request) ? Decision.allow("")
          : Decision.noOpinion("can only request a credential of its own node");
    }
    if (!request.resourceRequest()) {
      // discovery, /version, /healthz: what every authenticated user may read
      return Decision.noOpinion("");
    }
    if (request.apiGroup().isEmpty()) {
      switch (request.resource()) {
        case "secrets":
          return readReferenced(node.get(), request, pods, PodReferences::secrets);
        case "configmaps":
          return readReferenced(node.get(), request, pods, PodReferences::configMaps);
        case "persistentvolumeclaims":
          return getReferenced(node.get(), request, pods, PodReferences::claims);
        case "serviceaccounts":
          return serviceAccount(node.get(), request, pods);
        case "persistentvolumes":
          return boundVolume(node.get(), request, pods);
        default:
          break;
      }
    }
    return NodeRules.allow(request) ? Decision.allow("") : Decision.noOpinion("");
  }

  /** {@code create nodes/token} of the one node: a new credential for it. */
  private static boolean credentialRequest(String node, RequestInfo request) {
    return request.resourceRequest() && request.apiGroup().isEmpty()
        && request.resource().equals("nodes") && request.subresource().equals("token")
        && request.verb().equals("create") && request.name().equals(node);
  }

  private static Decision readReferenced(String node, RequestInfo request, BoundPods pods,
      java.util.function.Function<PodReferences, java.util.Set<String>> names) {
    if (!List.of("get", "list", "watch").contains(request.verb())) {
      return Decision.noOpinion("can only read resources of this type");
    }
    if (!request.subresource().isEmpty()) {
      return Decision.noOpinion("cannot read subresource");
    }
    if (request.namespace().isEmpty()) {
      return Decision.noOpinion("can only read namespaced object of this type");
    }
    return related(node, request, pods, pod -> names.apply(pod).contains(request.name()));
  }

  private static Decision getReferenced(String node, RequestInfo request, BoundPods pods,
      java.util.function.Function<PodReferences, java.util.Set<String>> names) {
    if (!request.verb().equals("get")) {
      return Decision.noOpinion("can only get individual resources of this type");
    }
    if (!request.subresource().isEmpty()) {
      return Decision.noOpinion("cannot get subresource");
    }
    return related(node, request, pods, pod -> names.apply(pod).contains(request.name()));
  }

  /** {@code get} of the PersistentVolume a claim of one of the node's pods is bound to. */
  private static Decision boundVolume(String node, RequestInfo request, BoundPods pods) {
    if (!request.verb().equals("get") || !request.subresource().isEmpty()) {
      return Decision.noOpinion("can only get individual resources of this type");
    }
    if (request.name().isEmpty()) {
      return Decision.noOpinion("No Object name found");
    }
    Optional<JsonObject> claimRef = pods.volume(request.name())
        .map(volume -> volume.getJsonObject("spec"))
        .filter(spec -> spec.get("claimRef") instanceof JsonObject)
        .map(spec -> spec.getJsonObject("claimRef"));
    boolean found = claimRef.isPresent() && pods.in(claimRef.get().getString("namespace", ""),
            node).stream().map(PodReferences::of)
        .anyMatch(pod -> pod.claims().contains(claimRef.get().getString("name", "")));
    return found ? Decision.allow("")
        : Decision.noOpinion("no relationship found between node '" + node
            + "' and this object");
  }

  /** {@code get} of a pod's ServiceAccount, and {@code create serviceaccounts/token} for it. */
  private static Decision serviceAccount(String node, RequestInfo request, BoundPods pods) {
    boolean token = request.subresource().equals("token") && request.verb().equals("create");
    boolean get = request.subresource().isEmpty() && request.verb().equals("get");
    if (!token && !get) {
      return Decision.noOpinion(
          "can only get individual service accounts or create their tokens");
    }
    return related(node, request, pods, pod -> pod.serviceAccount().equals(request.name()));
  }

  private static Decision related(String node, RequestInfo request, BoundPods pods,
      Predicate<PodReferences> refers) {
    if (request.name().isEmpty()) {
      return Decision.noOpinion("No Object name found");
    }
    boolean found = pods.in(request.namespace(), node).stream()
        .map(PodReferences::of).anyMatch(refers);
    return found ? Decision.allow("")
        : Decision.noOpinion("no relationship found between node '" + node
            + "' and this object");
  }

}
