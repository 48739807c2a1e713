package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The generic object API over HTTP: namespaced kinds, lists, updates, patches, deletes. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ObjectApiIT {

  private static final TestServer SERVER = TestServer.SUITE;

  @Test
  void defaultNamespacesExist() {
    for (String name : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + name)).statusCode()).as(name).isEqualTo(200);
    }
  }

  @Test
  void yamlManifestCreatesANamespacedObjectWithDefaults() {
    String namespace = newNamespace();
    HttpResponse<String> created = Http.post(pods(namespace), "application/yaml",
        Fixtures.read("node-js-pod.yaml"));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject pod = Http.json(created);
    assertThat(pod.getJsonObject("metadata").getString("namespace")).isEqualTo(namespace);
    assertThat(pod.getJsonObject("spec").getString("restartPolicy")).isEqualTo("Always");
    assertThat(Http.get(URI.create(pods(namespace) + "/node-js-pod")).statusCode()).isEqualTo(200);
  }

  @Test
  void createInAMissingNamespaceIsNotFound() {
    HttpResponse<String> response = Http.post(pods("no-such-namespace"), "application/yaml",
        Fixtures.read("node-js-pod.yaml"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Http.json(response).getString("message")).isEqualTo("namespaces \"no-such-namespace\" not found");
  }

  @Test
  void listFiltersByLabelSelectorAndPages() {
    String namespace = newNamespace();
    for (String name : List.of("a", "b", "c")) {
      createConfigMap(namespace, name, name.equals("b") ? "canary" : "stable");
    }

    JsonObject stable = Http.json(Http.get(URI.create(configMaps(namespace) + "?labelSelector=track%3Dstable")));
    assertThat(names(stable)).containsExactly("a", "c");
    JsonObject notIn = Http.json(Http.get(URI.create(configMaps(namespace)
        + "?labelSelector=track%20notin%20(stable)")));
    // as in Kubernetes, every namespace also holds the unlabelled kube-root-ca.crt
    assertThat(names(notIn)).containsExactly("b", "kube-root-ca.crt");

    JsonObject first = Http.json(Http.get(URI.create(configMaps(namespace) + "?limit=2")));
    assertThat(names(first)).containsExactly("a", "b");
    String token = first.getJsonObject("metadata").getString("continue");
    JsonObject second = Http.json(Http.get(URI.create(configMaps(namespace) + "?limit=2&continue=" + token)));
    assertThat(names(second)).containsExactly("c", "kube-root-ca.crt");
    assertThat(second.getJsonObject("metadata").containsKey("continue")).isFalse();
  }

  @Test
  void integerLabelComparisonsSelectInTheDatabase() {
    String namespace = newNamespace();
    for (String rank : List.of("1", "2", "10", "high")) {
      HttpResponse<String> created = Http.postJson(configMaps(namespace),
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"r-" + rank
              + "\",\"labels\":{\"rank\":\"" + rank + "\"}}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    HttpResponse<String> above = Http.get(URI.create(configMaps(namespace) + "?labelSelector=rank%3E1"));
    assertThat(above.statusCode()).as(above.body()).isEqualTo(200);
    assertThat(names(Http.json(above))).containsExactly("r-10", "r-2");
    assertThat(names(Http.json(Http.get(URI.create(configMaps(namespace) + "?labelSelector=rank%3C2")))))
        .containsExactly("r-1");
  }

  @Test
  void invalidLabelSelectorIsABadRequest() {
    HttpResponse<String> response = Http.get(URI.create(configMaps("default")
        + "?labelSelector=track%20in%20(a"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Http.json(response).getString("reason")).isEqualTo("BadRequest");
  }

  @Test
  void anUpdateThatChangesNothingKeepsTheResourceVersion() {
    String namespace = newNamespace();
    JsonObject created = createConfigMap(namespace, "settings", "stable");
    String version = created.getJsonObject("metadata").getString("resourceVersion");

    HttpResponse<String> same = Http.put(URI.create(configMaps(namespace) + "/settings"),
        configMap("settings", "stable", version));

    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(Http.json(same).getJsonObject("metadata").getString("resourceVersion"))
        .isEqualTo(version);
  }

  @Test
  void staleUpdateIsAConflictAndFreshOneBumpsTheVersion() {
    String namespace = newNamespace();
    JsonObject created = createConfigMap(namespace, "settings", "stable");
    String version = created.getJsonObject("metadata").getString("resourceVersion");
    URI uri = URI.create(configMaps(namespace) + "/settings");

    HttpResponse<String> fresh = Http.put(uri, configMap("settings", "canary", version));
    assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
    assertThat(Long.parseLong(Http.json(fresh).getJsonObject("metadata").getString("resourceVersion")))
        .isGreaterThan(Long.parseLong(version));

    HttpResponse<String> stale = Http.put(uri, configMap("settings", "stale", version));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(Http.json(stale).getString("reason")).isEqualTo("Conflict");
    assertThat(Http.json(Http.get(uri)).getJsonObject("metadata").getJsonObject("labels")
        .getString("track")).isEqualTo("canary");
  }

  @Test
  void mergePatchChangesLabelsAndStrategicPatchScalesAReplicationController() {
    String namespace = newNamespace();
    HttpResponse<String> created = Http.post(rcs(namespace), "application/yaml",
        Fixtures.read("node-js-rc.yaml"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    URI rc = URI.create(rcs(namespace) + "/node-js");

    HttpResponse<String> labelled = Http.patch(rc, "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"deployment\":\"demo\"}}}");
    assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(200);
    assertThat(Http.json(labelled).getJsonObject("metadata").getJsonObject("labels"))
        .containsKeys("name", "deployment");

    HttpResponse<String> scaled = Http.patch(URI.create(rc + "/scale"),
        "application/merge-patch+json", "{\"spec\":{\"replicas\":5}}");
    assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
    assertThat(Http.json(scaled).getString("kind")).isEqualTo("Scale");
    JsonObject after = Http.json(Http.get(rc));
    assertThat(after.getJsonObject("spec").getInt("replicas")).isEqualTo(5);
    assertThat(after.getJsonObject("metadata").getInt("generation")).isEqualTo(2);
  }

  @Test
  void objectWithAFinalizerIsOnlyMarkedUntilTheFinalizerIsRemoved() {
    String namespace = newNamespace();
    HttpResponse<String> created = Http.postJson(configMaps(namespace), """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    URI uri = URI.create(configMaps(namespace) + "/held");

    HttpResponse<String> deleted = Http.delete(uri);
    assertThat(deleted.statusCode()).isEqualTo(200);
    JsonObject marked = Http.json(Http.get(uri));
    assertThat(marked.getJsonObject("metadata").getString("deletionTimestamp")).isNotBlank();

    HttpResponse<String> released = Http.patch(uri, "application/merge-patch+json",
        "{\"metadata\":{\"finalizers\":null}}");
    assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    assertThat(Http.get(uri).statusCode()).isEqualTo(404);
  }

  @Test
  void wrongKindForTheUrlIsABadRequest() {
    HttpResponse<String> response = Http.post(pods("default"), "application/yaml",
        Fixtures.read("node-js-rc.yaml"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Http.json(response).getString("message"))
        .contains("does not match the expected kind (Pod)");
  }

  @Test
  void tableListsNamespacesWithStatusAndAge() {
    HttpResponse<String> response = Http.get(SERVER.api("/api/v1/namespaces"),
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject table = Http.json(response);
    assertThat(table.getString("kind")).isEqualTo("Table");
    assertThat(table.getJsonArray("columnDefinitions").getValuesAs(JsonObject.class))
        .extracting(column -> column.getString("name")).containsExactly("Name", "Status", "Age");
    assertThat(table.getJsonArray("rows").getValuesAs(JsonObject.class))
        .anySatisfy(row -> assertThat(row.getJsonArray("cells").getString(0)).isEqualTo("default"));
  }

  @Test
  void discoveryListsGroupsAndResources() {
    JsonObject groups = Http.json(Http.get(SERVER.api("/apis")));
    assertThat(groups.getJsonArray("groups").getValuesAs(JsonObject.class))
        .extracting(group -> group.getString("name")).contains("apps", "batch", "coordination.k8s.io");
    JsonObject core = Http.json(Http.get(SERVER.api("/api/v1")));
    assertThat(core.getJsonArray("resources").getValuesAs(JsonObject.class))
        .extracting(resource -> resource.getString("name"))
        .contains("pods", "services", "replicationcontrollers", "replicationcontrollers/scale",
            "pods/exec", "pods/log", "pods/eviction", "services/proxy");
    JsonObject api = Http.json(Http.get(SERVER.api("/api")));
    URI base = SERVER.api("/api");
    assertThat(api.getJsonArray("serverAddressByClientCIDRs").getJsonObject(0).getString(
        "serverAddress")).isEqualTo(base.getHost() + ":" + base.getPort());
  }

  @Test
  void oversizedBodyIsRefusedWith413AndNothingIsStored() throws Exception {
    String namespace = newNamespace();
    String big = "x".repeat(4 * 1024 * 1024);
    HttpResponse<String> response = Http.postJson(configMaps(namespace),
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},"
            + "\"data\":{\"k\":\"" + big + "\"}}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(Http.json(response).getString("reason")).isEqualTo("RequestEntityTooLarge");
    assertThat(Http.get(URI.create(configMaps(namespace) + "/big")).statusCode()).isEqualTo(404);
  }

  @Test
  void unknownFieldsAreAWarningByDefaultAndAreNotStored() {
    String namespace = newNamespace();
    HttpResponse<String> created = Http.postJson(configMaps(namespace), """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"typo","lables":{"a":"b"}},
         "data":{"k":"v"},"dataa":{"x":"y"}}""");

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().allValues("Warning"))
        .contains("299 - \"unknown field \\\"dataa\\\"\"", "299 - \"unknown field \\\"metadata.lables\\\"\"");
    JsonObject stored = Http.json(Http.get(URI.create(configMaps(namespace) + "/typo")));
    assertThat(stored.containsKey("dataa")).isFalse();
    assertThat(stored.getJsonObject("metadata").containsKey("lables")).isFalse();
    assertThat(stored.getJsonObject("data").getString("k")).isEqualTo("v");

    HttpResponse<String> strict = Http.postJson(URI.create(configMaps(namespace) + "?fieldValidation=Strict"),
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"strict\"},\"dataa\":{}}");
    assertThat(strict.statusCode()).isEqualTo(400);
    assertThat(Http.json(strict).getString("message")).isEqualTo("strict decoding error: unknown field \"dataa\"");
  }

  /** A new namespace, once the control plane has put its kube-root-ca.crt there. */
  private static String newNamespace() {
    return SERVER.newNamespace();
  }

  private static JsonObject createConfigMap(String namespace, String name, String track) {
    HttpResponse<String> response = Http.postJson(configMaps(namespace), configMap(name, track, null));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Http.json(response);
  }

  private static String configMap(String name, String track, String resourceVersion) {
    String version = resourceVersion == null ? "" : ",\"resourceVersion\":\"" + resourceVersion + "\"";
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{\"track\":\"" + track + "\"}" + version + "},\"data\":{\"k\":\"v\"}}";
  }

  private static List<String> names(JsonObject list) {
    return list.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(item -> item.getJsonObject("metadata").getString("name")).toList();
  }

  private static URI pods(String namespace) {
    return SERVER.api("/api/v1/namespaces/" + namespace + "/pods");
  }

  private static URI configMaps(String namespace) {
    return SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps");
  }

  private static URI rcs(String namespace) {
    return SERVER.api("/api/v1/namespaces/" + namespace + "/replicationcontrollers");
  }
}
