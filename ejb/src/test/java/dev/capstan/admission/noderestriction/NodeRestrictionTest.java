package dev.capstan.admission.noderestriction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.access.User;
import dev.capstan.admission.AdmissionAttributes;
import dev.capstan.admission.AdmissionAttributes.Operation;
import dev.capstan.admission.AdmissionDenied;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeRestrictionTest {

  private static final User NODE_A = new User("system:node:a", "node-a", List.of("system:nodes"));
  private static final User ADMIN = new User("admin", "admin", List.of("system:masters"));

  @Test
  void aNodeModifiesItsOwnNodeButNotAnother() {
    JsonObject node = json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"kubernetes.io/hostname\":\"a\"}}}");
    assertThatCode(() -> NodeRestriction.admit(update(NODE_A, "", "nodes", "status", "", "a",
        node, node))).doesNotThrowAnyException();
    JsonObject other = json("{\"metadata\":{\"name\":\"b\"}}");
    assertThatThrownBy(() -> NodeRestriction.admit(update(NODE_A, "", "nodes", "status", "",
        "b", other, other)))
        .isInstanceOf(AdmissionDenied.class)
        .hasMessage("nodes \"b\" is forbidden: node \"a\" is not allowed to modify node \"b\"");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.DELETE, "",
        "nodes", "", "", "b", null, other)))
        .hasMessage("nodes \"b\" is forbidden: node \"a\" is not allowed to modify node \"b\"");
  }

  @Test
  void usersThatAreNotNodesPass() {
    JsonObject other = json("{\"metadata\":{\"name\":\"b\"}}");
    assertThatCode(() -> NodeRestriction.admit(update(ADMIN, "", "nodes", "", "", "b", other,
        other))).doesNotThrowAnyException();
    // a node name without the nodes group is no node (Kubernetes' node identifier)
    User pretender = new User("system:node:a", "x", List.of());
    assertThatCode(() -> NodeRestriction.admit(update(pretender, "", "nodes", "", "", "b", other,
        other))).doesNotThrowAnyException();
  }

  @Test
  void aNodeCannotLabelItselfIntoPrivilegedRolesNorChangeItsTaints() {
    JsonObject old = json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"kubernetes.io/hostname\":\"a\"}}}");
    JsonObject labelled = json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"kubernetes.io/hostname\":\"a\","
        + "\"node-restriction.kubernetes.io/trusted\":\"yes\",\"node-role.kubernetes.io/control-plane\":\"\","
        + "\"topology.kubernetes.io/zone\":\"z1\",\"node.kubernetes.io/pool\":\"p\",\"team\":\"x\"}}}");
    assertThatThrownBy(() -> NodeRestriction.admit(update(NODE_A, "", "nodes", "", "", "a",
        labelled, old)))
        .hasMessage("nodes \"a\" is forbidden: is not allowed to modify labels:"
            + " node-restriction.kubernetes.io/trusted, node-role.kubernetes.io/control-plane");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "nodes", "", "", "a", labelled, null)))
        .hasMessage("nodes \"a\" is forbidden: node \"a\" is not allowed to set the following"
            + " labels: node-restriction.kubernetes.io/trusted,"
            + " node-role.kubernetes.io/control-plane");
    JsonObject tainted = json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"kubernetes.io/hostname\":\"a\"}},"
        + "\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]}}");
    assertThatThrownBy(() -> NodeRestriction.admit(update(NODE_A, "", "nodes", "", "", "a",
        old, tainted)))
        .hasMessage("nodes \"a\" is forbidden: node \"a\" is not allowed to modify taints");
  }

  @ParameterizedTest
  @CsvSource({
      "node-restriction.kubernetes.io/x, true",
      "example.node-restriction.kubernetes.io/x, true",
      "node-role.kubernetes.io/worker, true",
      "k8s.io/x, true",
      "foo.k8s.io/x, true",
      "kubernetes.io/hostname, false",
      "kubernetes.io/arch, false",
      "beta.kubernetes.io/instance-type, false",
      "kubelet.kubernetes.io/x, false",
      "x.node.kubernetes.io/y, false",
      "example.com/role, false",
      "plain, false"})
  void forbiddenLabelsFollowKubernetesList(String label, boolean forbidden) {
    assertThat(NodeRestriction.forbiddenLabels(Set.of(label)).contains(label)).isEqualTo(forbidden);
  }

  @Test
  void aNodeUpdatesTheStatusOfItsOwnPodsOnly() {
    JsonObject mine = json("{\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"x\"}},\"spec\":{\"nodeName\":\"a\"}}");
    assertThatCode(() -> NodeRestriction.admit(update(NODE_A, "", "pods", "status", "ns", "p",
        mine, mine))).doesNotThrowAnyException();
    JsonObject theirs = json("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"nodeName\":\"b\"}}");
    assertThatThrownBy(() -> NodeRestriction.admit(update(NODE_A, "", "pods", "status", "ns",
        "q", theirs, theirs)))
        .hasMessage("pods \"q\" is forbidden: node \"a\" can only update pod status for pods"
            + " with spec.nodeName set to itself");
    JsonObject relabelled = json("{\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"y\"}},\"spec\":{\"nodeName\":\"a\"}}");
    assertThatThrownBy(() -> NodeRestriction.admit(update(NODE_A, "", "pods", "status", "ns",
        "p", relabelled, mine)))
        .hasMessage("pods \"p\" is forbidden: node \"a\" cannot update labels through pod status");
  }

  @Test
  void aNodeDeletesAndEvictsOnlyItsOwnPodsAndChangesNoPodSpec() {
    JsonObject mine = json("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"a\"}}");
    JsonObject theirs = json("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"nodeName\":\"b\"}}");
    assertThatCode(() -> NodeRestriction.admit(attributes(NODE_A, Operation.DELETE, "", "pods",
        "", "ns", "p", null, mine))).doesNotThrowAnyException();
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.DELETE, "",
        "pods", "", "ns", "q", null, theirs)))
        .hasMessage("pods \"q\" is forbidden: node \"a\" can only delete pods with"
            + " spec.nodeName set to itself");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "pods", "eviction", "ns", "q", json("{}"), theirs)))
        .hasMessage("pods \"q\" is forbidden: node \"a\" can only evict pods with spec.nodeName"
            + " set to itself");
    assertThatThrownBy(() -> NodeRestriction.admit(update(NODE_A, "", "pods", "", "ns", "p",
        mine, mine)))
        .hasMessage("pods \"p\" is forbidden: unexpected operation \"UPDATE\", node \"a\" can"
            + " only create and delete mirror pods");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "pods", "binding", "ns", "p", json("{}"), null)))
        .hasMessage("pods \"p\" is forbidden: unexpected pod subresource \"binding\", only"
            + " 'status' and 'eviction' are allowed");
  }

  @Test
  void aNodeCreatesOnlyItsOwnMirrorPodsThatReferenceNothing() {
    String owner = "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"a\",\"uid\":\"u\",\"controller\":true}]";
    JsonObject mirror = json("{\"metadata\":{\"name\":\"m-a\",\"annotations\":{\"kubernetes.io/config.mirror\":\"h\"},"
        + owner + "},\"spec\":{\"nodeName\":\"a\",\"containers\":[{\"name\":\"c\"}]}}");
    assertThatCode(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "", "pods",
        "", "ns", "m-a", mirror, null))).doesNotThrowAnyException();
    JsonObject plain = json("{\"metadata\":{\"name\":\"x\"},\"spec\":{\"nodeName\":\"a\"}}");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "pods", "", "ns", "x", plain, null)))
        .hasMessage("pods \"x\" is forbidden: pod does not have \"kubernetes.io/config.mirror\""
            + " annotation, node \"a\" can only create mirror pods");
    JsonObject elsewhere = json("{\"metadata\":{\"name\":\"m\",\"annotations\":{\"kubernetes.io/config.mirror\":\"h\"},"
        + owner + "},\"spec\":{\"nodeName\":\"b\"}}");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "pods", "", "ns", "m", elsewhere, null)))
        .hasMessage("pods \"m\" is forbidden: node \"a\" can only create pods with"
            + " spec.nodeName set to itself");
    JsonObject secret = json("{\"metadata\":{\"name\":\"m\",\"annotations\":{\"kubernetes.io/config.mirror\":\"h\"},"
        + owner + "},\"spec\":{\"nodeName\":\"a\",\"volumes\":[{\"name\":\"s\",\"secret\":{\"secretName\":\"t\"}}]}}");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "pods", "", "ns", "m", secret, null)))
        .hasMessage("pods \"m\" is forbidden: node \"a\" can not create pods that reference"
            + " secrets");
    JsonObject unowned = json("{\"metadata\":{\"name\":\"m\",\"annotations\":{\"kubernetes.io/config.mirror\":\"h\"}},"
        + "\"spec\":{\"nodeName\":\"a\"}}");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "pods", "", "ns", "m", unowned, null)))
        .hasMessage("pods \"m\" is forbidden: node \"a\" can only create pods with an owner"
            + " reference set to itself");
  }

  @Test
  void aNodeRenewsOnlyItsOwnLease() {
    JsonObject lease = json("{\"metadata\":{\"name\":\"a\"}}");
    assertThatCode(() -> NodeRestriction.admit(update(NODE_A, "coordination.k8s.io", "leases",
        "", "kube-node-lease", "a", lease, lease))).doesNotThrowAnyException();
    assertThatThrownBy(() -> NodeRestriction.admit(update(NODE_A, "coordination.k8s.io",
        "leases", "", "kube-node-lease", "b", lease, lease)))
        .hasMessage("leases.coordination.k8s.io \"b\" is forbidden: can only access node lease"
            + " with the same name as the requesting node");
    assertThatThrownBy(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE,
        "coordination.k8s.io", "leases", "", "default", "a", lease, null)))
        .hasMessage("leases.coordination.k8s.io \"a\" is forbidden: can only access leases in"
            + " the \"kube-node-lease\" system namespace");
  }

  @Test
  void eventsAndOtherKindsAreNotThisPluginsBusiness() {
    assertThatCode(() -> NodeRestriction.admit(attributes(NODE_A, Operation.CREATE, "",
        "events", "", "ns", "e", json("{}"), null))).doesNotThrowAnyException();
  }

  private static AdmissionAttributes update(User user, String group, String resource,
      String subresource, String namespace, String name, JsonObject object, JsonObject old) {
    return attributes(user, Operation.UPDATE, group, resource, subresource, namespace, name,
        object, old);
  }

  private static AdmissionAttributes attributes(User user, Operation operation,
      String group, String resource, String subresource, String namespace, String name,
      JsonObject object, JsonObject old) {
    return new AdmissionAttributes(user, operation, group, resource, subresource, namespace,
        name, Optional.ofNullable(object), Optional.ofNullable(old));
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
