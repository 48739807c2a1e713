package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RBAC as users meet it through kubectl: a ServiceAccount bound to a Role in team-a (used by
 * impersonation), a token-file user bob, the bootstrap roles, escalation prevention and the
 * access reviews behind {@code kubectl auth can-i} and {@code whoami}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RbacIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String TEAM = "team-a";
  private static final String READER = "system:serviceaccount:team-a:reader";
  private static final String BOB_TOKEN = "rbac-it-bob-token-91c4";
  private static final Kubectl ADMIN = Kubectl.against(SERVER);

  @BeforeAll
  static void teamAWithAReader() throws IOException {
    // bob: a user of the token file (read again when it changes), in no group of his own
    Path tokens = Path.of(System.getProperty("it.dir"), "tokens.csv");
    if (!Files.readString(tokens).contains(BOB_TOKEN)) {
      Files.writeString(tokens, "\n" + BOB_TOKEN + ",bob,bob-uid\n", StandardOpenOption.APPEND);
    }
    apply("create", "namespace", TEAM);
    apply("create", "serviceaccount", "reader", "-n", TEAM);
    apply("create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "-n", TEAM);
    apply("create", "rolebinding", "reader", "--role=pod-reader",
        "--serviceaccount=team-a:reader", "-n", TEAM);
    // on no node: a pod the scheduler put on another class's node, gone when that node went
    // NotReady, was evicted under a test (its GET answered 404)
    ADMIN.withInput("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n"
        + "  nodeSelector:\n    capstan.dev/no-such-node: \"true\"\n  containers:\n"
        + "  - name: web\n    image: busybox\n", "apply", "-n", TEAM, "-f", "-");
  }

  /** Creates (or keeps) what a {@code kubectl create} describes, whatever is there already. */
  private static void apply(String... create) {
    String[] dryRun = new String[create.length + 3];
    System.arraycopy(create, 0, dryRun, 0, create.length);
    dryRun[create.length] = "--dry-run=client";
    dryRun[create.length + 1] = "-o";
    dryRun[create.length + 2] = "yaml";
    Kubectl.Result manifest = ADMIN.run(dryRun);
    assertThat(manifest.exitCode()).as(manifest.toString()).isZero();
    Kubectl.Result applied = ADMIN.withInput(manifest.out(), "apply", "-f", "-");
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
  }

  private static Kubectl.Result asReader(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "--as=" + READER;
    System.arraycopy(args, 0, all, 1, args.length);
    return ADMIN.run(all);
  }

  @Test
  void aServiceAccountBoundToARoleListsPodsButIsRefusedAllElse() {
    Kubectl.Result listed = asReader("get", "pods", "-n", TEAM);
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.out()).contains("web");

    Kubectl.Result created = ADMIN.withInput("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n"
        + "spec:\n  containers:\n  - name: x\n    image: busybox\n", "--as=" + READER,
        "create", "-n", TEAM, "-f", "-");
    assertThat(created.exitCode()).isNotZero();
    assertThat(created.err()).contains("pods is forbidden: User \"system:serviceaccount:team-a:"
        + "reader\" cannot create resource \"pods\" in API group \"\" in the namespace \"team-a\"");

    assertThat(asReader("get", "secrets", "-n", TEAM).err()).contains("secrets is forbidden: User"
        + " \"system:serviceaccount:team-a:reader\" cannot list resource \"secrets\" in API group"
        + " \"\" in the namespace \"team-a\"");
    String other = SERVER.newNamespace();
    assertThat(asReader("get", "pods", "-n", other).err()).contains("cannot list resource"
        + " \"pods\" in API group \"\" in the namespace \"" + other + "\"");
    assertThat(asReader("delete", "pod", "web", "-n", TEAM).err()).contains(
        "pods \"web\" is forbidden: User \"" + READER + "\" cannot delete resource \"pods\"");
    Kubectl.Result watched = asReader("get", "pods", "-n", TEAM, "--watch",
        "--request-timeout=10s");
    assertThat(watched.err()).contains("cannot watch resource \"pods\" in API group \"\" in the"
        + " namespace \"team-a\"");
  }

  @Test
  void canIAndWhoamiAgreeWithEnforcement() {
    Kubectl.Result list = asReader("auth", "can-i", "list", "pods", "-n", TEAM);
    assertThat(list.out().strip()).as(list.toString()).isEqualTo("yes");
    Kubectl.Result create = asReader("auth", "can-i", "create", "pods", "-n", TEAM);
    assertThat(create.out().strip()).as(create.toString()).isEqualTo("no");
    assertThat(create.exitCode()).isNotZero();
    assertThat(asReader("auth", "can-i", "get", "secrets", "-n", TEAM).out().strip())
        .isEqualTo("no");
    assertThat(ADMIN.run("auth", "can-i", "create", "pods", "-n", TEAM,
        "--as=" + READER).out().strip()).isEqualTo("no");
    assertThat(ADMIN.run("auth", "can-i", "*", "*").out().strip()).isEqualTo("yes");

    Kubectl.Result rules = asReader("auth", "can-i", "--list", "-n", TEAM);
    assertThat(rules.exitCode()).as(rules.toString()).isZero();
    assertThat(rules.out()).containsPattern("pods\\s+\\[\\]\\s+\\[\\]\\s+\\[get list\\]");
    assertThat(rules.out()).contains("selfsubjectaccessreviews.authorization.k8s.io");

    Kubectl.Result whoami = asReader("auth", "whoami");
    assertThat(whoami.exitCode()).as(whoami.toString()).isZero();
    assertThat(whoami.out()).contains(READER).contains("system:serviceaccounts:team-a")
        .contains("system:authenticated");
    Kubectl.Result bob = Kubectl.withToken(SERVER, BOB_TOKEN).run("auth", "whoami", "-o",
        "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
    assertThat(bob.out()).as(bob.toString()).isEqualTo("bob [\"system:authenticated\"]");
  }

  @Test
  void logAndExecNeedTheirSubresources() throws Exception {
    Kubectl.Result log = asReader("logs", "web", "-n", TEAM);
    assertThat(log.err()).as(log.toString()).contains("pods \"web\" is forbidden: User \""
        + READER + "\" cannot get resource \"pods/log\" in API group \"\" in the namespace"
        + " \"team-a\"");
    URI exec = SERVER.api("/api/v1/namespaces/team-a/pods/web/exec?command=true&stdout=true");
    HttpResponse<String> refused = post(exec, READER);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("cannot create resource \\\"pods/exec\\\"");
    assertThat(asReader("exec", "web", "-n", TEAM, "--", "true").exitCode()).isNotZero();

    apply("create", "role", "pod-debugger", "--verb=get", "--resource=pods/log", "-n", TEAM);
    apply("create", "role", "pod-exec", "--verb=create", "--resource=pods/exec", "-n", TEAM);
    apply("create", "rolebinding", "reader-debug", "--role=pod-debugger",
        "--serviceaccount=team-a:reader", "-n", TEAM);
    apply("create", "rolebinding", "reader-exec", "--role=pod-exec",
        "--serviceaccount=team-a:reader", "-n", TEAM);

    // the pod has no node: the request gets past authorization and fails further on
    Kubectl.Result allowedLog = eventually(() -> asReader("logs", "web", "-n", TEAM),
        result -> !result.err().contains("forbidden"));
    assertThat(allowedLog.err()).doesNotContain("forbidden");
    assertThat(post(exec, READER).statusCode()).isNotEqualTo(403);
  }

  @Test
  void aViewUserSeesButCannotDelete() {
    apply("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "-n", TEAM);
    Kubectl.Result listed = eventually(() -> ADMIN.run("--as=jane", "get", "pods", "-n", TEAM),
        result -> result.exitCode() == 0);
    assertThat(listed.out()).contains("web");
    assertThat(ADMIN.run("--as=jane", "get", "deployments,services,configmaps", "-n", TEAM)
        .exitCode()).isZero();
    assertThat(ADMIN.run("--as=jane", "delete", "pod", "web", "-n", TEAM).err()).contains(
        "pods \"web\" is forbidden: User \"jane\" cannot delete resource \"pods\" in API group"
            + " \"\" in the namespace \"team-a\"");
    assertThat(ADMIN.run("--as=jane", "get", "secrets", "-n", TEAM).err())
        .contains("cannot list resource \"secrets\"");
    // the view role's rules are the aggregated ones
    assertThat(ADMIN.run("get", "clusterrole", "view", "-o", "jsonpath={.rules[*].resources}")
        .out()).contains("pods/log");
  }

  @Test
  void impersonationNeedsTheImpersonateVerb() {
    Kubectl bob = Kubectl.withToken(SERVER, BOB_TOKEN);
    Kubectl.Result refused = bob.run("--as=jane", "get", "pods", "-n", TEAM);
    assertThat(refused.err()).as(refused.toString()).contains("users \"jane\" is forbidden: User"
        + " \"bob\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
    assertThat(bob.run("--as=" + READER, "get", "pods", "-n", TEAM).err()).contains(
        "serviceaccounts \"reader\" is forbidden: User \"bob\" cannot impersonate resource"
            + " \"serviceaccounts\" in API group \"\" in the namespace \"team-a\"");

    apply("create", "clusterrole", "impersonate-jane", "--verb=impersonate",
        "--resource=users", "--resource-name=jane");
    apply("create", "clusterrolebinding", "bob-impersonates-jane",
        "--clusterrole=impersonate-jane", "--user=bob");
    apply("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "-n", TEAM);
    Kubectl.Result asJane = eventually(() -> bob.run("--as=jane", "get", "pods", "-n", TEAM),
        result -> result.exitCode() == 0);
    assertThat(asJane.out()).contains("web");
    assertThat(bob.run("--as=joe", "get", "pods", "-n", TEAM).err())
        .contains("users \"joe\" is forbidden");
    assertThat(bob.run("--as=jane", "--as-group=system:masters", "get", "pods").err())
        .contains("groups \"system:masters\" is forbidden: User \"bob\" cannot impersonate"
            + " resource \"groups\"");
  }

  @Test
  void noOneGrantsWhatTheyDoNotHold() {
    String namespace = SERVER.newNamespace();
    Kubectl bob = Kubectl.withToken(SERVER, BOB_TOKEN);
    ADMIN.run("create", "role", "rbac-manager", "-n", namespace,
        "--verb=get,list,create,update,patch,delete",
        "--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,pods");
    ADMIN.run("create", "rolebinding", "bob-manages", "--role=rbac-manager", "--user=bob",
        "-n", namespace);
    eventually(() -> bob.run("get", "roles", "-n", namespace), result -> result.exitCode() == 0);

    Kubectl.Result escalating = bob.run("create", "role", "secret-reader", "--verb=get",
        "--resource=secrets", "-n", namespace);
    assertThat(escalating.err()).as(escalating.toString()).contains(
        "roles.rbac.authorization.k8s.io \"secret-reader\" is forbidden: user \"bob\""
            + " (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not"
            + " currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}");
    Kubectl.Result held = bob.run("create", "role", "pod-lister", "--verb=list",
        "--resource=pods", "-n", namespace);
    assertThat(held.exitCode()).as(held.toString()).isZero();

    Kubectl.Result bindingEdit = bob.run("create", "rolebinding", "bob-edits", "--clusterrole=edit",
        "--user=bob", "-n", namespace);
    assertThat(bindingEdit.err()).as(bindingEdit.toString()).contains(
        "rolebindings.rbac.authorization.k8s.io \"bob-edits\" is forbidden: user \"bob\"")
        .contains("is attempting to grant RBAC permissions not currently held");
    Kubectl.Result bindingHeld = bob.run("create", "rolebinding", "jane-lists", "--role=pod-lister",
        "--user=jane", "-n", namespace);
    assertThat(bindingHeld.exitCode()).as(bindingHeld.toString()).isZero();

    // with escalate on roles, bob may write rules he does not hold
    ADMIN.run("create", "role", "escalator", "--verb=escalate",
        "--resource=roles.rbac.authorization.k8s.io", "-n", namespace);
    ADMIN.run("create", "rolebinding", "bob-escalates", "--role=escalator", "--user=bob", "-n",
        namespace);
    Kubectl.Result escalated = eventually(() -> bob.run("create", "role", "secret-reader",
        "--verb=get", "--resource=secrets", "-n", namespace), result -> result.exitCode() == 0);
    assertThat(escalated.exitCode()).isZero();
  }

  /**
   * Every door is authorized with its own verb and resource, as kube-apiserver's RequestInfo
   * names them: subresources (status, scale, eviction, attach, portforward, exec by a WebSocket
   * upgrade, proxy), {@code resourceNames}, paths ({@code nonResourceURLs}), the history
   * subresource as reading the object, and the leak's first steps (a user creating a Node or
   * writing its status). A deleted binding stops granting at once (the decision cache follows
   * RBAC changes).
   */
  @Test
  void everyDoorIsAuthorizedWithItsOwnVerbAndResourceAsKubernetesNamesIt() throws Exception {
    String ns = SERVER.newNamespace();
    String carol = "carol-" + ns;
    String deployments = "/apis/apps/v1/namespaces/" + ns + "/deployments";
    String pods = "/api/v1/namespaces/" + ns + "/pods";
    String configMaps = "/api/v1/namespaces/" + ns + "/configmaps";
    assertThat(Http.postJson(SERVER.api(deployments), "{\"apiVersion\":\"apps/v1\",\"kind\":"
        + "\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":0,"
        + "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"metadata\":"
        + "{\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"busybox\"}]}}}}").statusCode()).isEqualTo(201);
    assertThat(Http.postJson(SERVER.api(pods), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":\"web\"},\"spec\":{\"nodeSelector\":{"
        + "\"capstan.dev/no-such-node\":\"true\"},\"containers\":[{\"name\":\"web\","
        + "\"image\":\"busybox\"}]}}").statusCode()).isEqualTo(201);
    for (String name : new String[] {"allowed", "other"}) {
      assertThat(Http.postJson(SERVER.api(configMaps), "{\"apiVersion\":\"v1\",\"kind\":"
          + "\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}").statusCode())
          .isEqualTo(201);
    }
    apply("create", "secret", "generic", "s", "--from-literal=k=v", "-n", ns);
    apply("create", "role", "carol-reads", "--verb=get,list,watch",
        "--resource=pods,deployments.apps", "-n", ns);
    apply("create", "role", "carol-one-config", "--verb=get", "--resource=configmaps",
        "--resource-name=allowed", "-n", ns);
    apply("create", "rolebinding", "carol-reads", "--role=carol-reads", "--user=" + carol,
        "-n", ns);
    apply("create", "rolebinding", "carol-one-config", "--role=carol-one-config",
        "--user=" + carol, "-n", ns);
    assertThat(eventuallyAnswers(() -> as(carol, "GET", pods + "/web", null), 200)
        .statusCode()).isEqualTo(200);
    String in = " in the namespace \"" + ns + "\"";

    assertForbidden(as(carol, "PATCH", pods + "/web/status", "{\"status\":{}}"),
        "pods \"web\" is forbidden: User \"" + carol + "\" cannot patch resource"
            + " \"pods/status\" in API group \"\"" + in);
    assertForbidden(as(carol, "GET", deployments + "/d/scale", null),
        "deployments.apps \"d\" is forbidden: User \"" + carol + "\" cannot get resource"
            + " \"deployments/scale\" in API group \"apps\"" + in);
    assertForbidden(as(carol, "PUT", deployments + "/d/scale", "{\"apiVersion\":"
            + "\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"d\"},"
            + "\"spec\":{\"replicas\":3}}"),
        "deployments.apps \"d\" is forbidden: User \"" + carol + "\" cannot update resource"
            + " \"deployments/scale\" in API group \"apps\"" + in);
    assertForbidden(as(carol, "POST", pods + "/web/eviction", "{\"apiVersion\":\"policy/v1\","
            + "\"kind\":\"Eviction\",\"metadata\":{\"name\":\"web\"}}"),
        "pods \"web\" is forbidden: User \"" + carol + "\" cannot create resource"
            + " \"pods/eviction\" in API group \"\"" + in);
    for (String session : new String[] {"attach", "portforward", "exec"}) {
      assertForbidden(as(carol, "POST", pods + "/web/" + session + "?stdout=true&ports=80",
          null), "pods \"web\" is forbidden: User \"" + carol + "\" cannot create resource"
              + " \"pods/" + session + "\" in API group \"\"" + in);
    }
    // a WebSocket upgrade is authorized before anything answers it
    // a WebSocket upgrade is authorized before anything answers it: as Kubernetes 1.35, its GET
    // needs get and also create on pods/exec
    String exec = pods + "/web/exec?command=id&stdout=true";
    assertThat(upgradeRefusal(carol, exec)).isEqualTo("pods \"web\" is forbidden: User \""
        + carol + "\" cannot get resource \"pods/exec\" in API group \"\"" + in);
    apply("create", "role", "carol-exec-get", "--verb=get", "--resource=pods/exec", "-n", ns);
    apply("create", "rolebinding", "carol-exec-get", "--role=carol-exec-get", "--user=" + carol,
        "-n", ns);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String refusal = upgradeRefusal(carol, exec);
    while (refusal.contains("cannot get") && System.nanoTime() < deadline) {
      Thread.sleep(300);
      refusal = upgradeRefusal(carol, exec);
    }
    assertThat(refusal).isEqualTo("pods \"web\" is forbidden: User \"" + carol + "\" cannot"
        + " create resource \"pods/exec\" in API group \"\"" + in);
    assertForbidden(as(carol, "GET", "/api/v1/namespaces/" + ns + "/services/web:80/proxy/", null),
        "services \"web:80\" is forbidden: User \"" + carol + "\" cannot get resource"
            + " \"services/proxy\" in API group \"\"" + in);

    // resourceNames: the one ConfigMap, not another, and no list
    assertThat(as(carol, "GET", configMaps + "/allowed", null).statusCode()).isEqualTo(200);
    assertForbidden(as(carol, "GET", configMaps + "/other", null),
        "configmaps \"other\" is forbidden: User \"" + carol + "\" cannot get resource"
            + " \"configmaps\" in API group \"\"" + in);
    assertForbidden(as(carol, "GET", configMaps, null), "configmaps is forbidden: User \""
        + carol + "\" cannot list resource \"configmaps\" in API group \"\"" + in);

    // history is reading the object: pods yes, a Secret no
    assertThat(as(carol, "GET", pods + "/web/history", null).statusCode()).isEqualTo(200);
    assertForbidden(as(carol, "GET", "/api/v1/namespaces/" + ns + "/secrets/s/history", null),
        "secrets \"s\" is forbidden: User \"" + carol + "\" cannot get resource \"secrets\""
            + " in API group \"\"" + in);

    // the leak's first steps: no Node, no Node status
    assertForbidden(as(carol, "POST", "/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":"
            + "\"Node\",\"metadata\":{\"name\":\"evil\"}}"),
        "nodes is forbidden: User \"" + carol + "\" cannot create resource \"nodes\" in API"
            + " group \"\" at the cluster scope");
    assertForbidden(as(carol, "PATCH", "/api/v1/nodes/evil/status", "{\"status\":{}}"),
        "nodes \"evil\" is forbidden: User \"" + carol + "\" cannot patch resource"
            + " \"nodes/status\" in API group \"\" at the cluster scope");

    // paths: discovery and the probes for everyone, /metrics only by a nonResourceURLs grant
    assertThat(as(carol, "GET", "/api", null).statusCode()).isEqualTo(200);
    assertThat(as(carol, "GET", "/apis", null).statusCode()).isEqualTo(200);
    assertThat(as(carol, "GET", "/version", null).statusCode()).isEqualTo(200);
    assertForbidden(as(carol, "GET", "/metrics", null),
        "forbidden: User \"" + carol + "\" cannot get path \"/metrics\"");
    apply("create", "clusterrole", "metrics-" + ns, "--verb=get", "--non-resource-url=/metrics");
    apply("create", "clusterrolebinding", "metrics-" + ns, "--clusterrole=metrics-" + ns,
        "--user=" + carol);
    assertThat(eventuallyAnswers(() -> as(carol, "GET", "/metrics", null), 200).body())
        .contains("# TYPE");

    // a deleted binding grants nothing from then on
    assertThat(ADMIN.run("delete", "rolebinding", "carol-reads", "-n", ns).exitCode()).isZero();
    assertForbidden(eventuallyAnswers(() -> as(carol, "GET", pods + "/web", null), 403),
        "pods \"web\" is forbidden: User \"" + carol + "\" cannot get resource \"pods\" in"
            + " API group \"\"" + in);
  }

  private static void assertForbidden(HttpResponse<String> response, String message) {
    Http.assertStatus(response, 403, "Forbidden", message);
  }

  /** A request as the user, by the administrator's impersonation (kubectl's {@code --as}). */
  private static HttpResponse<String> as(String user, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(SERVER.api(path))
        .header("Authorization", "Bearer " + Http.token())
        .header("Impersonate-User", user)
        .timeout(Duration.ofSeconds(20));
    String contentType = method.equals("PATCH") ? "application/merge-patch+json"
        : "application/json";
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", contentType);
    }
    return HttpClient.newHttpClient().send(request.build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * A WebSocket upgrade as the user (Java's client will not send Upgrade), which must be
   * refused: the 403 Status's message.
   */
  private static String upgradeRefusal(String user, String path) throws Exception {
    Process curl = new ProcessBuilder("curl", "-s", "-i", "--max-time", "10", "--http1.1",
        "-H", "Authorization: Bearer " + Http.token(), "-H", "Impersonate-User: " + user,
        "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
        "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "-H", "Sec-WebSocket-Protocol: v5.channel.k8s.io", SERVER.api(path).toString())
        .redirectErrorStream(true).start();
    String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    curl.waitFor();
    assertThat(answer).as(answer).startsWith("HTTP/1.1 403");
    JsonObject status = Json.createReader(new StringReader(
        answer.substring(answer.indexOf("\r\n\r\n") + 4))).readObject();
    assertThat(status.getString("reason")).isEqualTo("Forbidden");
    return status.getString("message");
  }

  /** RBAC changes reach the authorizer after their commit: ask again until the answer comes. */
  private static HttpResponse<String> eventuallyAnswers(Callable<HttpResponse<String>> request,
      int code) throws Exception {
    HttpResponse<String> response = request.call();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (response.statusCode() != code && System.nanoTime() < deadline) {
      Thread.sleep(300);
      response = request.call();
    }
    return response;
  }

  @Test
  void aBindingToAMissingRoleIsStoredAndGrantsNothing() {
    apply("create", "rolebinding", "ghost", "--clusterrole=no-such-role", "--user=ghost", "-n",
        TEAM);
    Kubectl.Result refused = ADMIN.run("--as=ghost", "get", "pods", "-n", TEAM);
    assertThat(refused.err()).contains("pods is forbidden: User \"ghost\" cannot list resource"
        + " \"pods\" in API group \"\" in the namespace \"team-a\": RBAC: clusterrole.rbac."
        + "authorization.k8s.io \"no-such-role\" not found");
    assertThat(ADMIN.run("get", "rolebinding", "ghost", "-n", TEAM).out())
        .contains("ClusterRole/no-such-role");
  }

  @Test
  void rolesAndBindingsAreServedToKubectl() {
    Kubectl.Result roles = ADMIN.run("get", "roles", "-n", TEAM);
    assertThat(roles.out()).contains("NAME").contains("CREATED AT").contains("pod-reader");
    Kubectl.Result describe = ADMIN.run("describe", "role", "pod-reader", "-n", TEAM);
    assertThat(describe.out()).as(describe.toString()).contains("PolicyRule:")
        .containsPattern("Resources\\s+Non-Resource URLs\\s+Resource Names\\s+Verbs")
        .containsPattern("pods\\s+\\[\\]\\s+\\[\\]\\s+\\[get list\\]");
    Kubectl.Result bindings = ADMIN.run("get", "rolebindings", "-n", TEAM, "-o", "wide");
    assertThat(bindings.out()).containsPattern("reader\\s+Role/pod-reader")
        .contains("team-a:reader");
    Kubectl.Result admins = ADMIN.run("get", "clusterrolebinding", "cluster-admin", "-o", "wide");
    assertThat(admins.out()).contains("ClusterRole/cluster-admin").contains("system:masters");
    Kubectl.Result describeBinding = ADMIN.run("describe", "rolebinding", "reader", "-n", TEAM);
    assertThat(describeBinding.out()).contains("Role:").contains("ServiceAccount")
        .contains("reader");
    assertThat(ADMIN.run("describe", "clusterrole", "cluster-admin").out())
        .containsPattern("\\*\\.\\*\\s+\\[\\]\\s+\\[\\]\\s+\\[\\*\\]");
    assertThat(ADMIN.run("get", "clusterrole", "admin", "-o", "yaml").out())
        .contains("rbac.authorization.kubernetes.io/autoupdate: \"true\"")
        .contains("kubernetes.io/bootstrapping: rbac-defaults")
        .contains("rbac.authorization.k8s.io/aggregate-to-admin: \"true\"");

    Kubectl.Result changedRoleRef = ADMIN.run("patch", "rolebinding", "reader", "-n", TEAM,
        "--type=merge", "-p", "{\"roleRef\":{\"name\":\"other\"}}");
    assertThat(changedRoleRef.err()).as(changedRoleRef.toString()).contains(
        "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\","
            + " Kind:\"Role\", Name:\"other\"}: cannot change roleRef");
    Kubectl.Result badSubject = ADMIN.withInput("apiVersion: rbac.authorization.k8s.io/v1\n"
        + "kind: RoleBinding\nmetadata:\n  name: bad\nroleRef:\n  apiGroup: "
        + "rbac.authorization.k8s.io\n  kind: Pod\n  name: x\nsubjects:\n- kind: Robot\n"
        + "  name: r2\n", "create", "-n", TEAM, "-f", "-");
    assertThat(badSubject.err()).as(badSubject.toString())
        .contains("roleRef.kind: Unsupported value: \"Pod\": supported values: \"Role\","
            + " \"ClusterRole\"")
        .contains("subjects[0].kind: Unsupported value: \"Robot\"");
  }

  private static HttpResponse<String> post(URI uri, String actingAs) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Authorization", "Bearer " + Http.token())
        .header("Impersonate-User", actingAs)
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    return HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** RBAC changes reach the authorizer after their commit: ask again for a few seconds. */
  private static Kubectl.Result eventually(Supplier<Kubectl.Result> action,
      java.util.function.Predicate<Kubectl.Result> done) {
    Kubectl.Result result = action.get();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!done.test(result) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      result = action.get();
    }
    return result;
  }
}
