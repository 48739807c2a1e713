import dev.capstan.access.User;
import dev.capstan.api.access.Decision;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.api.access.rbac.RbacAuthorizer;
import dev.capstan.rbac.BootstrapRoles;
import dev.capstan.rbac.PolicyRule;
import dev.capstan.rbac.PolicySnapshot;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization cost per request, in process: prints figures, asserts nothing.
 *   - without RBAC: the system:masters check alone (what every request paid before RBAC)
 *   - RBAC uncached: rule resolution and matching over 1,000 Roles and 1,000 RoleBindings
 *     (plus the bootstrap ClusterRoles and 100 ClusterRoleBindings), for users with a binding
 *     in the namespace (allowed) and without (denied, every binding looked up)
 *   - RBAC cached: the decision cache hit every repeated request takes
 * Run (after mvn package):
 *   java -cp ejb/target/classes:web/target/classes:jpa/target/classes:contract/target/classes:\
 *     $HOME/.m2/repository/jakarta/json/jakarta.json-api/2.1.3/jakarta.json-api-2.1.3.jar:\
 *     $HOME/.m2/repository/org/eclipse/parsson/parsson/1.1.7/parsson-1.1.7.jar bench/RbacBench.java [N=200000]
 */
public class RbacBench {

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int namespaces = 100;
    List<JsonObject> clusterRoles = new ArrayList<>(BootstrapRoles.clusterRoles().stream()
        .map(BootstrapRoles::toJson).toList());
    List<JsonObject> roles = new ArrayList<>();
    List<JsonObject> roleBindings = new ArrayList<>();
    List<JsonObject> clusterRoleBindings = new ArrayList<>(BootstrapRoles.clusterRoleBindings()
        .stream().map(BootstrapRoles::toJson).toList());
    for (int i = 0; i < 1_000; i++) {
      String ns = "ns-" + (i % namespaces);
      roles.add(role(ns, "role-" + i, List.of(
          PolicyRule.resources(List.of("get", "list", "watch"), List.of(""),
              List.of("pods", "pods/log", "configmaps")),
          PolicyRule.resources(List.of("create", "update"), List.of("apps"),
              List.of("deployments", "deployments/scale")))));
      roleBindings.add(binding(ns, "binding-" + i, "Role", "role-" + i, "user-" + i));
    }
    for (int i = 0; i < 100; i++) {
      clusterRoleBindings.add(binding("", "crb-" + i, "ClusterRole", "view", "viewer-" + i));
    }
    PolicySnapshot snapshot = new PolicySnapshot(1, clusterRoles, roles, clusterRoleBindings,
        roleBindings);
    System.out.printf("RbacBench: %d ClusterRoles, %d Roles, %d ClusterRoleBindings,"
        + " %d RoleBindings, %d requests per case%n", clusterRoles.size(), roles.size(),
        clusterRoleBindings.size(), roleBindings.size(), n);

    User[] users = new User[1_000];
    RequestInfo[] requests = new RequestInfo[1_000];
    for (int i = 0; i < users.length; i++) {
      users[i] = new User("user-" + i, "", List.of("team-" + (i % 10), User.AUTHENTICATED));
      requests[i] = RequestInfo.parse("GET", "/api/v1/namespaces/ns-" + (i % namespaces)
          + "/pods", Map.of(), false);
    }
    RequestInfo[] elsewhere = new RequestInfo[1_000];
    for (int i = 0; i < users.length; i++) {
      elsewhere[i] = RequestInfo.parse("POST", "/api/v1/namespaces/ns-" + ((i + 1) % namespaces)
          + "/secrets", Map.of(), false);
    }
    User admin = new User("admin", "", List.of(User.MASTERS, User.AUTHENTICATED));

    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      boolean print = round == 1;
      measure(print, "without RBAC (system:masters check only)", n, i -> users[i % 1_000]
          .inGroup(User.MASTERS) ? Decision.allow("") : Decision.noOpinion(""));
      measure(print, "RBAC uncached, allowed (list pods)", n,
          i -> check(RbacAuthorizer.decide(snapshot, users[i % 1_000], requests[i % 1_000]), true));
      measure(print, "RBAC uncached, denied (create secrets elsewhere)", n,
          i -> check(RbacAuthorizer.decide(snapshot, users[i % 1_000], elsewhere[i % 1_000]),
              false));
      measure(print, "RBAC uncached, system:masters via cluster-admin binding", n,
          i -> check(RbacAuthorizer.decide(snapshot, admin, elsewhere[i % 1_000]), true));
      Map<Object, Decision> cache = new ConcurrentHashMap<>();
      measure(print, "RBAC cached (decision cache hit)", n, i -> cache.computeIfAbsent(
          List.of(users[i % 1_000].name(), users[i % 1_000].groups(), requests[i % 1_000]),
          key -> RbacAuthorizer.decide(snapshot, users[i % 1_000], requests[i % 1_000])));
      long started = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        new PolicySnapshot(i, clusterRoles, roles, clusterRoleBindings, roleBindings);
      }
      if (print) {
        System.out.printf("RbacBench: building the snapshot (after an RBAC change): %.2f ms%n",
            (System.nanoTime() - started) / 20 / 1e6);
      }
    }
  }

  private static Decision check(Decision decision, boolean allowed) {
    if (decision.allowed() != allowed) {
      throw new IllegalStateException("unexpected decision " + decision);
    }
    return decision;
  }

  private static void measure(boolean print, String name, int n,
      java.util.function.IntFunction<Decision> call) {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      call.apply(i);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    if (print) {
      System.out.printf("RbacBench: %-58s p50 %6.2f us  p99 %6.2f us%n", name,
          nanos[n / 2] / 1e3, nanos[(int) (n * 0.99)] / 1e3);
    }
  }

  private static JsonObject role(String ns, String name, List<PolicyRule> rules) {
    var array = Json.createArrayBuilder();
    rules.forEach(rule -> array.add(rule.toJson()));
    return Json.createObjectBuilder().add("metadata", Json.createObjectBuilder()
        .add("name", name).add("namespace", ns)).add("rules", array).build();
  }

  private static JsonObject binding(String ns, String name, String kind, String role,
      String user) {
    var metadata = Json.createObjectBuilder().add("name", name);
    if (!ns.isEmpty()) {
      metadata.add("namespace", ns);
    }
    return Json.createObjectBuilder().add("metadata", metadata)
        .add("roleRef", Json.createObjectBuilder().add("apiGroup", "rbac.authorization.k8s.io")
            .add("kind", kind).add("name", role))
        .add("subjects", Json.createArrayBuilder().add(Json.createObjectBuilder()
            .add("kind", "User").add("apiGroup", "rbac.authorization.k8s.io").add("name", user)))
        .build();
  }
}
