package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the store does at its edges, as users see it: strings PostgreSQL's jsonb cannot hold
 * (U+0000) are stored and read back exact; a write that answers an error left nothing stored; an
 * object that cannot be read can still be deleted by an administrator, and a namespace whose
 * deletion cannot finish says why in its conditions, in Kubernetes' words; a list that meets
 * unreadable objects fails naming them (KEP-3926), while other namespaces and their controllers
 * go on.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class StorageEdgeIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NUL = "a\u0000b";

  @Test
  void stringsHoldingNulRoundTripByteExactThroughGetListWatchAndKubectl() throws Exception {
    String namespace = SERVER.newNamespace();
    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    JsonObject configMap = Json.createObjectBuilder()
        .add("apiVersion", "v1").add("kind", "ConfigMap")
        .add("metadata", Json.createObjectBuilder().add("name", "nul")
            .add("annotations", Json.createObjectBuilder().add("note", "x\u0000y")))
        .add("data", Json.createObjectBuilder().add("k", NUL).add("plain", "p"))
        .build();
    HttpResponse<String> created = Http.postJson(SERVER.api(configMaps), configMap.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    long createdAt = Long.parseLong(Http.json(created).getJsonObject("metadata")
        .getString("resourceVersion"));

    // GET
    JsonObject read = Http.json(Http.get(SERVER.api(configMaps + "/nul")));
    assertThat(read.getJsonObject("data").getString("k")).isEqualTo(NUL);
    assertThat(read.getJsonObject("metadata").getJsonObject("annotations").getString("note"))
        .isEqualTo("x\u0000y");
    // list, with and without a field selector SQL answers
    JsonObject list = Http.json(Http.get(SERVER.api(configMaps)));
    assertThat(list.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(item -> item.getJsonObject("metadata").getString("name").equals("nul"))
        .map(item -> item.getJsonObject("data").getString("k"))).containsExactly(NUL);
    JsonObject byName = Http.json(Http.get(SERVER.api(configMaps
        + "?fieldSelector=metadata.name%3Dnul")));
    assertThat(byName.getJsonArray("items")).hasSize(1);
    // watch
    try (WatchLines watch = new WatchLines(SERVER.api(configMaps + "?watch=1&resourceVersion="
        + (createdAt - 1) + "&fieldSelector=metadata.name%3Dnul&timeoutSeconds=5"))) {
      JsonObject added = watch.next(Duration.ofSeconds(10));
      assertThat(added.getString("type")).isEqualTo("ADDED");
      assertThat(added.getJsonObject("object").getJsonObject("data").getString("k"))
          .isEqualTo(NUL);
    }
    // kubectl get -o json
    Kubectl kubectl = Kubectl.against(SERVER);
    Kubectl.Result json = kubectl.run("get", "configmap", "nul", "-n", namespace, "-o", "json");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonObject fromKubectl = Json.createReader(new StringReader(json.out())).readObject();
    assertThat(fromKubectl.getJsonObject("data").getString("k")).isEqualTo(NUL);
    assertThat(json.out()).contains("a\\u0000b");

    // a merge patch adds another such string; the row holds the escaped form
    HttpResponse<String> patched = Http.patch(SERVER.api(configMaps + "/nul"),
        "application/merge-patch+json", "{\"data\":{\"m\":\"\\u0000\"}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(Http.json(Http.get(SERVER.api(configMaps + "/nul"))).getJsonObject("data")
        .getString("m")).isEqualTo("\u0000");
    assertThat(Database.queryString("SELECT body #>> '{}' FROM api_object WHERE kind ="
        + " 'ConfigMap' AND namespace = ? AND name = 'nul'", namespace).orElseThrow())
        .startsWith("capstan:json:{");
    assertThat(Database.queryStrings("SELECT jsonb_typeof(body) FROM api_change WHERE kind ="
        + " 'ConfigMap' AND namespace = ? AND name = 'nul'", namespace))
        .containsExactly("string", "string");

    // Secret stringData with NUL: stored (as base64 data), read back exact
    HttpResponse<String> secret = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/secrets"), "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\","
        + "\"annotations\":{\"a\":\"\\u0000\"}},\"stringData\":{\"k\":\"a\\u0000b\"}}");
    assertThat(secret.statusCode()).as(secret.body()).isEqualTo(201);
    JsonObject secretRead = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/secrets/s")));
    assertThat(new String(Base64.getDecoder().decode(secretRead.getJsonObject("data")
        .getString("k")), StandardCharsets.UTF_8)).isEqualTo(NUL);

    // an Event with NUL in its message: a body field selector matches it (in Java, not SQL)
    HttpResponse<String> event = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/events"), "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"e\"},"
        + "\"involvedObject\":{\"kind\":\"ConfigMap\",\"name\":\"nul\",\"namespace\":\""
        + namespace + "\"},\"reason\":\"Test\",\"message\":\"a\\u0000b\",\"type\":\"Normal\"}");
    assertThat(event.statusCode()).as(event.body()).isEqualTo(201);
    String events = "/api/v1/namespaces/" + namespace + "/events?fieldSelector=";
    assertThat(Http.json(Http.get(SERVER.api(events + "involvedObject.name%3Dnul")))
        .getJsonArray("items")).hasSize(1);
    assertThat(Http.json(Http.get(SERVER.api(events + "involvedObject.name%3Dother")))
        .getJsonArray("items")).isEmpty();
    assertThat(Http.json(Http.get(SERVER.api(events + "involvedObject.name%3Dnul&limit=1")))
        .getJsonArray("items")).hasSize(1);
  }

  @Test
  void loneSurrogateEscapesAreStoredAsTheReplacementCharacterAsKubernetesStoresThem()
      throws Exception {
    String namespace = SERVER.newNamespace();
    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    // escapes naming half a UTF-16 pair: Go's decoder makes each U+FFFD, and so must this server
    // (UTF-8, and PostgreSQL, cannot hold them at all)
    HttpResponse<String> created = Http.postJson(SERVER.api(configMaps), "{\"apiVersion\":\"v1\","
        + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"halves\",\"annotations\":{\"note\":"
        + "\"\\udc00\"}},\"data\":{\"high\":\"a\\ud800b\",\"pair\":\"\\ud83d\\ude00\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Http.json(created).getJsonObject("data").getString("high")).isEqualTo("a\uFFFDb");

    HttpResponse<String> patched = Http.patch(SERVER.api(configMaps + "/halves"),
        "application/merge-patch+json", "{\"data\":{\"low\":\"\\udfff\\ud800\"}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

    JsonObject read = Http.json(Http.get(SERVER.api(configMaps + "/halves")));
    assertThat(read.getJsonObject("data").getString("high")).isEqualTo("a\uFFFDb");
    assertThat(read.getJsonObject("data").getString("pair")).isEqualTo("\uD83D\uDE00");
    assertThat(read.getJsonObject("data").getString("low")).isEqualTo("\uFFFD\uFFFD");
    assertThat(read.getJsonObject("metadata").getJsonObject("annotations").getString("note"))
        .isEqualTo("\uFFFD");
    // what PostgreSQL holds is the replacement character itself
    try (Connection connection = Database.connect();
        PreparedStatement stored = connection.prepareStatement("SELECT body->'data'->>'high'"
            + " FROM api_object WHERE kind = 'ConfigMap' AND namespace = ? AND name = 'halves'")) {
      stored.setString(1, namespace);
      try (java.sql.ResultSet row = stored.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo("a\uFFFDb");
      }
    }
    Kubectl.Result described = Kubectl.against(SERVER).run("get", "configmap", "halves", "-n",
        namespace, "-o", "jsonpath={.data.high}");
    assertThat(described.exitCode()).as(described.toString()).isZero();
    assertThat(described.out().strip()).isEqualTo("a\uFFFDb");
  }

  @Test
  void aPatchResultThatCannotBeStoredIsRefusedInKubernetesWords() throws Exception {
    String namespace = SERVER.newNamespace();
    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    SERVER.create(namespace, "configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"cm\"},\"data\":{\"k\":\"say \\\"hi\\\"\"}}");

    // a result that does not decode: the whole patched object, Go-quoted, as kube-apiserver
    HttpResponse<String> undecodable = Http.patch(SERVER.api(configMaps + "/cm"),
        "application/merge-patch+json", "{\"data\":{\"n\":5}}");
    assertThat(undecodable.statusCode()).as(undecodable.body()).isEqualTo(422);
    String message = Http.json(undecodable).getString("message");
    assertThat(message).startsWith(" \"\" is invalid: patch: Invalid value: \"{\\\"")
        .contains("\\\"data\\\":{\\\"k\\\":\\\"say \\\\\\\"hi\\\\\\\"\\\",\\\"n\\\":5}")
        .endsWith("}\": json: cannot unmarshal number into Go struct field ConfigMap.data of type"
            + " string");

    // an object larger than the store keeps (1.5 MiB as JSON; each part within its own limit):
    // etcd's words
    HttpResponse<String> tooLarge = Http.patch(SERVER.api(configMaps + "/cm"),
        "application/merge-patch+json", "{\"metadata\":{\"annotations\":{\"a\":\""
            + "x".repeat(250_000) + "\"}},\"binaryData\":{\"b\":\""
            + Base64.getEncoder().encodeToString(new byte[1000 * 1024]) + "\"}}");
    assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
    assertThat(Http.json(tooLarge).getString("reason")).isEqualTo("RequestEntityTooLarge");
    assertThat(Http.json(tooLarge).getString("message"))
        .isEqualTo("etcdserver: request is too large");
    assertThat(Http.json(Http.get(SERVER.api(configMaps + "/cm"))).containsKey("binaryData"))
        .isFalse();
  }

  @Test
  void aWriteWhoseAnswerFailsLeavesNothingStored() throws Exception {
    String namespace = SERVER.newNamespace();
    String pods = "/api/v1/namespaces/" + namespace + "/pods";
    SERVER.create(namespace, "pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
        + "{\"name\":\"p\"},\"spec\":{\"schedulerName\":\"nobody\",\"initContainers\":[{\"name\":"
        + "\"i\",\"image\":\"busybox\"}],\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
    JsonObject before = Http.json(Http.get(SERVER.api(pods + "/p")));

    // the status is stored, then its answer (a Table row, whose printer cannot read a
    // terminated state that is a number) fails: the error answer must leave the pod as it was
    HttpResponse<String> patched = send(HttpRequest.newBuilder(SERVER.api(pods + "/p/status"))
        .header("Content-Type", "application/merge-patch+json")
        .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":{"
            + "\"initContainerStatuses\":[{\"name\":\"i\",\"state\":{\"terminated\":5}}]}}")));

    assertThat(patched.statusCode()).as(patched.body()).isGreaterThanOrEqualTo(400);
    JsonObject after = Http.json(Http.get(SERVER.api(pods + "/p")));
    assertThat(after.getJsonObject("metadata").getString("resourceVersion"))
        .isEqualTo(before.getJsonObject("metadata").getString("resourceVersion"));
    assertThat(after.getJsonObject("status").containsKey("initContainerStatuses")).isFalse();
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/p/history"))).toString()).doesNotContain("initContainerStatuses");
  }

  @Test
  void aCorruptObjectIsDeletedUnsafelyAndANamespaceThatCannotFinishSaysWhy() throws Exception {
    String namespace = SERVER.newNamespace();
    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    SERVER.create(namespace, "configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"broken\"},\"data\":{\"k\":\"v\"}}");
    SERVER.create(namespace, "configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}");
    // as a dropped encryption key leaves it: a body no configured provider can read
    try (Connection connection = Database.connect();
        PreparedStatement corrupt = connection.prepareStatement("UPDATE api_object SET body ="
            + " '\"k8s:enc:aesgcm:v1:gone:AAAAAAAAAAAAAAAAAAAAAAAAAAAA\"'::jsonb WHERE kind ="
            + " 'ConfigMap' AND namespace = ? AND name = 'broken'")) {
      corrupt.setString(1, namespace);
      assertThat(corrupt.executeUpdate()).isEqualTo(1);
    }
    try {
      HttpResponse<String> get = Http.get(SERVER.api(configMaps + "/broken"));
      assertThat(get.statusCode()).isEqualTo(500);
      assertThat(get.body()).contains("Internal error occurred");
      assertThat(Http.delete(SERVER.api(configMaps + "/broken")).statusCode()).isEqualTo(500);

      Kubectl kubectl = Kubectl.against(SERVER);
      assertThat(kubectl.run("delete", "namespace", namespace, "--wait=false").exitCode())
          .isZero();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .untilAsserted(() -> {
            JsonObject failure = condition(kubectl, namespace, "NamespaceDeletionContentFailure");
            assertThat(failure.getString("status")).isEqualTo("True");
            assertThat(failure.getString("reason")).isEqualTo("ContentDeletionFailed");
            assertThat(failure.getString("message")).isEqualTo("Failed to delete all resource"
                + " types, 1 remaining: configmaps.: failed to read one or more configmaps from"
                + " the storage");
          });
      String yaml = kubectl.run("get", "namespace", namespace, "-o", "yaml").out();
      assertThat(yaml).contains("type: NamespaceDeletionContentFailure")
          .contains("reason: ContentDeletionFailed")
          .contains("message: All resources successfully discovered")
          .contains("reason: ResourcesDiscovered")
          .contains("message: All legacy kube types successfully parsed")
          .contains("reason: ParsedGroupVersions");

      // the unsafe deletion is for corrupt objects only
      HttpResponse<String> readable = Http.delete(SERVER.api(configMaps
          + "/held?ignoreStoreReadErrorWithClusterBreakingPotential=true"));
      assertThat(readable.statusCode()).as(readable.body()).isEqualTo(422);
      assertThat(Http.json(readable).getString("message")).isEqualTo("configmaps \"held\" is"
          + " invalid: ignoreStoreReadErrorWithClusterBreakingPotential: Invalid value: true: is"
          + " exclusively used to delete corrupt object(s), try again by removing this option");
      HttpResponse<String> unsafe = Http.delete(SERVER.api(configMaps
          + "/broken?ignoreStoreReadErrorWithClusterBreakingPotential=true"));
      assertThat(unsafe.statusCode()).as(unsafe.body()).isEqualTo(200);
      assertThat(Http.json(unsafe).getString("status")).isEqualTo("Success");
      assertThat(Http.json(unsafe).getJsonObject("details").getString("kind"))
          .isEqualTo("ConfigMap");
      assertThat(Http.get(SERVER.api(configMaps + "/broken")).statusCode()).isEqualTo(404);

      // what is left now is the object its finalizer holds, and the conditions say so
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .untilAsserted(() -> assertThat(condition(kubectl, namespace,
              "NamespaceFinalizersRemaining").getString("message")).isEqualTo(
                  "Some content in the namespace has finalizers remaining: example.com/hold in 1"
                      + " resource instances"));
      JsonObject content = condition(kubectl, namespace, "NamespaceDeletionContentFailure");
      assertThat(content.getString("status")).isEqualTo("False");
      assertThat(content.getString("reason")).isEqualTo("ContentDeleted");
      assertThat(content.getString("message"))
          .isEqualTo("All content successfully deleted, may be waiting on finalization");
      JsonObject remaining = condition(kubectl, namespace, "NamespaceContentRemaining");
      assertThat(remaining.getString("status")).isEqualTo("True");
      assertThat(remaining.getString("reason")).isEqualTo("SomeResourcesRemain");
      assertThat(remaining.getString("message"))
          .isEqualTo("Some resources are remaining: configmaps. has 1 resource instances");
      assertThat(kubectl.run("get", "namespace", namespace, "-o", "yaml").out())
          .contains("reason: SomeFinalizersRemain").contains("type: NamespaceFinalizersRemaining");

      assertThat(kubectl.run("patch", "configmap", "held", "-n", namespace, "--type", "merge",
          "-p", "{\"metadata\":{\"finalizers\":null}}").exitCode()).isZero();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> Http.get(SERVER.api("/api/v1/namespaces/" + namespace)).statusCode() == 404);
    } finally {
      // a corrupt row left behind would fail every later list of ConfigMaps in the suite
      try (Connection connection = Database.connect();
          PreparedStatement remove = connection.prepareStatement("DELETE FROM api_object WHERE"
              + " kind = 'ConfigMap' AND namespace = ? AND name = 'broken'")) {
        remove.setString(1, namespace);
        remove.executeUpdate();
      }
      Kubectl.against(SERVER).run("patch", "configmap", "held", "-n", namespace, "--type",
          "merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
    }
  }

  @Test
  void aListMeetingCorruptObjectsNamesThemWhileOtherNamespacesAndTheirControllersWork()
      throws Exception {
    String broken = SERVER.newNamespace();
    String healthy = SERVER.newNamespace();
    String brokenSets = "/apis/apps/v1/namespaces/" + broken + "/replicasets";
    String template = "\"selector\":{\"matchLabels\":{\"app\":\"x\"}},\"template\":{"
        + "\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"schedulerName\":\"nobody\","
        + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    for (String name : new String[] {"sealed", "mangled", "fine"}) {
      createApps(broken, "replicasets", "{\"apiVersion\":\"apps/v1\",\"kind\":"
          + "\"ReplicaSet\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"replicas\":0,"
          + template + "}}");
    }
    // the ReplicaSet controller's first status write, read before a corruption and stored after
    // it, would overwrite the corrupt body: corrupt only once the controller has seen all three
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> {
          for (String name : new String[] {"sealed", "mangled", "fine"}) {
            JsonObject set = Http.json(Http.get(SERVER.api(brokenSets + "/" + name)));
            assertThat(set.getOrDefault("status", JsonValue.EMPTY_JSON_OBJECT).asJsonObject()
                .getInt("observedGeneration", 0)).as(name).isEqualTo(1);
          }
        });
    try {
      // one no provider can decrypt (a dropped key), one that is not an object at all
      corrupt(broken, "ReplicaSet", "sealed",
          "'\"k8s:enc:aesgcm:v1:gone:AAAAAAAAAAAAAAAAAAAAAAAAAAAA\"'::jsonb");
      corrupt(broken, "ReplicaSet", "mangled", "'5'::jsonb");

      HttpResponse<String> all = Http.get(SERVER.api("/apis/apps/v1/replicasets"));
      assertThat(all.statusCode()).as(all.body()).isEqualTo(500);
      JsonObject status = Http.json(all);
      assertThat(status.getString("reason")).isEqualTo("StoreReadError");
      assertThat(status.getString("message"))
          .isEqualTo("failed to read one or more replicasets.apps from the storage");
      JsonObject details = status.getJsonObject("details");
      assertThat(details.getString("name")).isEqualTo("list");
      assertThat(details.getString("group")).isEqualTo("apps");
      assertThat(details.getString("kind")).isEqualTo("replicasets");
      List<JsonObject> causes = details.getJsonArray("causes").getValuesAs(JsonObject.class);
      assertThat(causes).extracting(cause -> cause.getString("field")).containsExactly(
          "/registry/replicasets/" + broken + "/mangled",
          "/registry/replicasets/" + broken + "/sealed");
      assertThat(causes).allSatisfy(cause ->
          assertThat(cause.getString("reason")).isEqualTo("UnexpectedServerResponse"));
      assertThat(causes.get(0).getString("message")).startsWith("StorageError: corrupt object,"
          + " Code: 7, Key: /registry/replicasets/" + broken + "/mangled, ResourceVersion: 0,"
          + " AdditionalErrorMsg: object not decodable revision=");
      assertThat(causes.get(1).getString("message")).startsWith("StorageError: corrupt object,"
          + " Code: 7, Key: /registry/replicasets/" + broken + "/sealed, ResourceVersion: 0,"
          + " AdditionalErrorMsg: data from the storage is not transformable revision=0: ");
      assertThat(Http.get(SERVER.api(brokenSets)).statusCode()).isEqualTo(500);
      HttpResponse<String> mangled = Http.get(SERVER.api(brokenSets + "/mangled"));
      assertThat(mangled.statusCode()).isEqualTo(500);
      assertThat(Http.json(mangled).getString("message")).startsWith("Internal error occurred:"
          + " StorageError: corrupt object, Code: 7, Key: /registry/replicasets/" + broken
          + "/mangled, ResourceVersion: 0, AdditionalErrorMsg: object not decodable revision=");
      Kubectl kubectl = Kubectl.against(SERVER);
      Kubectl.Result listed = kubectl.run("get", "replicasets", "-A");
      assertThat(listed.exitCode()).isNotZero();
      assertThat(listed.err())
          .contains("failed to read one or more replicasets.apps from the storage");

      // another namespace lists, and its controllers work: a Deployment makes its ReplicaSet
      // and pods, and the garbage collector removes them with it
      assertThat(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + healthy + "/replicasets"))
          .statusCode()).isEqualTo(200);
      createApps(healthy, "deployments", "{\"apiVersion\":\"apps/v1\",\"kind\":"
          + "\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":2,"
          + template + "}}");
      String pods = "/api/v1/namespaces/" + healthy + "/pods";
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .untilAsserted(() -> assertThat(Http.json(Http.get(SERVER.api(pods)))
              .getJsonArray("items")).hasSize(2));
      assertThat(kubectl.run("delete", "deployment", "web", "-n", healthy).exitCode()).isZero();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .untilAsserted(() -> {
            assertThat(Http.json(Http.get(SERVER.api(pods))).getJsonArray("items")).isEmpty();
            assertThat(Http.json(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + healthy
                + "/replicasets"))).getJsonArray("items")).isEmpty();
          });

      // the unsafe deletion: refused with what it cannot honour, for a readable or missing
      // object, and for a collection, in Kubernetes' words
      String option = "ignoreStoreReadErrorWithClusterBreakingPotential";
      HttpResponse<String> dryRun = Http.delete(SERVER.api(brokenSets + "/sealed?" + option
          + "=true&dryRun=All"));
      assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(422);
      assertThat(Http.json(dryRun).getString("message")).isEqualTo("DeleteOptions.meta.k8s.io"
          + " \"\" is invalid: " + option + ": Invalid value: true: cannot be set together with"
          + " .dryRun");
      HttpResponse<String> preconditions = send(HttpRequest.newBuilder(SERVER.api(brokenSets
              + "/sealed")).header("Content-Type", "application/json")
          .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"kind\":\"DeleteOptions\","
              + "\"apiVersion\":\"v1\",\"" + option + "\":true,\"gracePeriodSeconds\":0,"
              + "\"preconditions\":{\"uid\":\"x\"}}")));
      assertThat(preconditions.statusCode()).as(preconditions.body()).isEqualTo(422);
      assertThat(Http.json(preconditions).getString("message")).isEqualTo(
          "DeleteOptions.meta.k8s.io \"\" is invalid: [" + option + ": Invalid value: true:"
              + " cannot be set together with .gracePeriodSeconds, " + option + ": Invalid value:"
              + " true: cannot be set together with .preconditions]");
      for (String name : new String[] {"fine", "absent"}) {
        HttpResponse<String> refused = Http.delete(SERVER.api(brokenSets + "/" + name + "?"
            + option + "=true"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(Http.json(refused).getString("message")).isEqualTo("replicasets.apps \""
            + name + "\" is invalid: " + option + ": Invalid value: true: is exclusively used to"
            + " delete corrupt object(s), try again by removing this option");
      }
      HttpResponse<String> collection = Http.delete(SERVER.api(brokenSets + "?" + option
          + "=true"));
      assertThat(collection.statusCode()).as(collection.body()).isEqualTo(422);
      assertThat(Http.json(collection).getString("message")).isEqualTo("DeleteOptions.meta.k8s.io"
          + " \"\" is invalid: " + option + ": Invalid value: true: is not allowed with"
          + " DELETECOLLECTION, try again after removing the option");
      assertThat(Http.get(SERVER.api(brokenSets + "/fine")).statusCode()).isEqualTo(200);

      for (String name : new String[] {"sealed", "mangled"}) {
        HttpResponse<String> unsafe = Http.delete(SERVER.api(brokenSets + "/" + name + "?"
            + option + "=true"));
        assertThat(unsafe.statusCode()).as(unsafe.body()).isEqualTo(200);
      }
      assertThat(Http.json(Http.get(SERVER.api(brokenSets))).getJsonArray("items"))
          .extracting(item -> item.asJsonObject().getJsonObject("metadata").getString("name"))
          .containsExactly("fine");
      assertThat(kubectl.run("get", "replicasets", "-A").exitCode()).isZero();
    } finally {
      // a corrupt row left behind would fail every later list of ReplicaSets in the suite
      try (Connection connection = Database.connect();
          PreparedStatement remove = connection.prepareStatement("DELETE FROM api_object WHERE"
              + " kind = 'ReplicaSet' AND namespace = ? AND name IN ('sealed', 'mangled')")) {
        remove.setString(1, broken);
        remove.executeUpdate();
      }
    }
  }

  private static void createApps(String namespace, String plural, String json) {
    HttpResponse<String> created = Http.postJson(SERVER.api("/apis/apps/v1/namespaces/"
        + namespace + "/" + plural), json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  /** Replaces an object's stored body in the database, as a dropped key or a bad edit leaves it. */
  private static void corrupt(String namespace, String kind, String name, String bodySql)
      throws Exception {
    try (Connection connection = Database.connect();
        PreparedStatement corrupt = connection.prepareStatement("UPDATE api_object SET body = "
            + bodySql + " WHERE kind = ? AND namespace = ? AND name = ?")) {
      corrupt.setString(1, kind);
      corrupt.setString(2, namespace);
      corrupt.setString(3, name);
      assertThat(corrupt.executeUpdate()).isEqualTo(1);
    }
  }

  /** One of the namespace's conditions, as kubectl gets it. */
  private static JsonObject condition(Kubectl kubectl, String namespace, String type) {
    Kubectl.Result json = kubectl.run("get", "namespace", namespace, "-o", "json");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonObject status = Json.createReader(new StringReader(json.out())).readObject()
        .getJsonObject("status");
    if (status == null || !status.containsKey("conditions")) {
      throw new AssertionError("no conditions yet in " + json.out());
    }
    return status.getJsonArray("conditions").getValuesAs(JsonObject.class).stream()
        .filter(condition -> condition.getString("type").equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + json.out()));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    if (Http.token() != null) {
      request.header("Authorization", "Bearer " + Http.token());
    }
    return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
