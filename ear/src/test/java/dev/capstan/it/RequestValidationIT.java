package dev.capstan.it;

import static dev.capstan.it.Http.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13, the request edge: every malformed body gets the 4xx Status kube-apiserver gives it
 * (decoding, types, identity, limits, patches), and nothing of it is stored.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RequestValidationIT {

  private static final TestServer SERVER = TestServer.SUITE;

  // --- decoding -------------------------------------------------------------------------------

  @Test
  void jsonNestedAThousandDeepIsAcceptedAsKubernetesAcceptsItAndTenThousandAndOneIsA400() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> created = Http.postJson(configMaps(namespace),
        configMap("deep", "\"x\":" + nested(1_000) + ",\"data\":{\"a\":\"b\"}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> patched = Http.patch(configMapUri(namespace, "deep"),
        "application/merge-patch+json", "{\"x\":" + nested(1_000) + ",\"data\":{\"c\":\"d\"}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

    HttpResponse<String> tooDeep = Http.postJson(configMaps(namespace),
        configMap("deeper", "\"x\":" + nested(10_000)));
    assertStatus(tooDeep, 400, "BadRequest", "json parse error: exceeded max depth");
    assertNotStored(namespace, "deeper");
  }

  @Test
  void yamlNestedAHundredThousandDeepIsA400NotAStackOverflow() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = Http.post(configMaps(namespace), "application/yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: "
            + "[".repeat(100_000) + "]".repeat(100_000) + "\n");

    assertStatus(response, 400, "BadRequest", "yaml: exceeded max depth of 1000");
    assertNotStored(namespace, "deep");
  }

  @Test
  void yamlOfAThousandNestedFlowMappingsWithinTheDepthLimitIsReadNotAStackOverflow() {
    // fuzz seed b26d0e3d1eb04175: SnakeYAML's recursive composer overflowed a request thread
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = Http.post(configMaps(namespace), "application/yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flows}\nx: "
            + "{a: ".repeat(990) + "1" + "}".repeat(990) + "\n");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.headers().allValues("Warning"))
        .containsExactly("299 - \"unknown field \\\"x\\\"\"");
  }

  @Test
  void trailingGarbageAfterTheObjectIsA400() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = Http.postJson(configMaps(namespace),
        configMap("trailing", "\"data\":{\"a\":\"b\"}") + " x");

    assertStatus(response, 400, "BadRequest",
        "json parse error: invalid character 'x' after top-level value");
    assertNotStored(namespace, "trailing");
  }

  @Test
  void aBodyOverThreeMebibytesIs413() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = Http.postJson(configMaps(namespace),
        configMap("huge", "\"data\":{\"a\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}"));

    assertStatus(response, 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    assertNotStored(namespace, "huge");
  }

  @Test
  void aYamlAliasBombIsRefusedAtOnceAsGoYamlRefusesIt() {
    String namespace = SERVER.newNamespace();
    StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n"
        + "data:\n  l0: &l0 [" + String.join(",", java.util.Collections.nCopies(10, "lol")) + "]\n");
    for (int level = 1; level <= 5; level++) {
      bomb.append("  l").append(level).append(": &l").append(level).append(" [")
          .append(String.join(",", java.util.Collections.nCopies(10, "*l" + (level - 1))))
          .append("]\n");
    }
    Instant start = Instant.now();

    HttpResponse<String> response = Http.post(configMaps(namespace), "application/yaml",
        bomb.toString());

    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
    assertStatus(response, 400, "BadRequest", "yaml: document contains excessive aliasing");
    assertNotStored(namespace, "bomb");
    assertStatus(Http.post(configMaps(namespace), "application/yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata: &d {a: *d}\n"),
        400, "BadRequest", "yaml: anchor 'd' value contains itself");
    assertNotStored(namespace, "bomb");
  }

  @Test
  void yamlNotANumberIsA400AsJsonCannotHoldIt() {
    String namespace = SERVER.newNamespace();
    assertStatus(Http.post(configMaps(namespace), "application/yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nan}\nx: .nan\n"),
        400, "BadRequest", "json: unsupported value: NaN");
    assertNotStored(namespace, "nan");
  }

  @Test
  void aFewAliasesAreExpandedAsKubernetesExpandsThem() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> created = Http.post(configMaps(namespace), "application/yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aliased\n  labels: &labels {app: web}\n"
            + "  annotations: *labels\ndata: {a: b}\n");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Http.json(created).getJsonObject("metadata").getJsonObject("annotations")
        .getString("app")).isEqualTo("web");
  }

  @Test
  void aBodyWithAThousandUnknownFieldsIsStoredAndAnsweredWithAHundredWarnings() {
    // fuzz seeds 538badfc73324dbf, 2a3f860606ffda84, 56c477d46d7b855a: one Warning header a field
    // made Undertow throw at its 128th, after the create committed: a 500 for a stored object
    String namespace = SERVER.newNamespace();
    StringBuilder unknown = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      unknown.append(",\"k").append(i).append("\":\"v\"");
    }
    HttpResponse<String> created = Http.postJson(configMaps(namespace),
        configMap("many", "\"data\":{\"a\":\"b\"}" + unknown));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().allValues("Warning")).hasSize(100)
        .startsWith("299 - \"unknown field \\\"k0\\\"\"");
    assertThat(Http.get(configMapUri(namespace, "many")).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownFieldNamesWithControlCharactersAreGoQuotedAndEveryWarningHeaderIsSafe() {
    String namespace = SERVER.newNamespace();
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"warned\"},"
        + "\"a\\u0000b\":1,\"x\\ny\":2,\"\u00e9\u2713\":3,\"data\":{\"k\":\"v\"}}";

    HttpResponse<String> strict = Http.postJson(URI.create(configMaps(namespace)
        + "?fieldValidation=Strict"), body);
    assertStatus(strict, 400, "BadRequest", "strict decoding error: unknown field \"a\\x00b\","
        + " unknown field \"x\\ny\", unknown field \"\u00e9\u2713\"");
    assertNotStored(namespace, "warned");

    HttpResponse<String> warned = Http.postJson(configMaps(namespace), body);
    assertThat(warned.statusCode()).as(warned.body()).isEqualTo(201);
    // as Go sends them: UTF-8 bytes, which this client hands over one character a byte
    assertThat(warned.headers().allValues("Warning").stream().map(header -> new String(
        header.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))).containsExactly(
        "299 - \"unknown field \\\"a\\\\x00b\\\"\"", "299 - \"unknown field \\\"x\\\\ny\\\"\"",
        "299 - \"unknown field \\\"\u00e9\u2713\\\"\"");
    assertThat(Http.json(warned).keySet()).doesNotContain("a\u0000b", "x\ny");
  }

  // --- typed decoding -------------------------------------------------------------------------

  @Test
  void configMapValuesOfTheWrongTypeAreRefusedAsKubernetesDecodesThem() {
    String namespace = SERVER.newNamespace();
    String prefix = "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: ";
    assertStatus(Http.postJson(configMaps(namespace), configMap("n", "\"data\":{\"a\":1}")),
        400, "BadRequest", prefix
            + "json: cannot unmarshal number into Go struct field ConfigMap.data of type string");
    assertStatus(Http.postJson(configMaps(namespace), configMap("n", "\"data\":{\"a\":{\"b\":1}}")),
        400, "BadRequest", prefix
            + "json: cannot unmarshal object into Go struct field ConfigMap.data of type string");
    assertStatus(Http.postJson(configMaps(namespace), configMap("n", "\"data\":[\"a\"]")),
        400, "BadRequest", prefix + "json: cannot unmarshal array into Go struct field"
            + " ConfigMap.data of type map[string]string");
    assertStatus(Http.postJson(configMaps(namespace), "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"n\",\"annotations\":{\"a\":{}}}}"), 400, "BadRequest", prefix
        + "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.annotations of"
        + " type string");
    assertNotStored(namespace, "n");
  }

  @Test
  void deploymentReplicasMustBeAnInt32AndSelectorValuesStrings() {
    String namespace = SERVER.newNamespace();
    String prefix = "Deployment in version \"v1\" cannot be handled as a Deployment: ";
    String field = " into Go struct field DeploymentSpec.spec.replicas of type int32";
    assertStatus(createDeployment(namespace, "4294967296", "\"x\""), 400, "BadRequest",
        prefix + "json: cannot unmarshal number 4294967296" + field);
    assertStatus(createDeployment(namespace, "1.5", "\"x\""), 400, "BadRequest",
        prefix + "json: cannot unmarshal number 1.5" + field);
    assertStatus(createDeployment(namespace, "\"3\"", "\"x\""), 400, "BadRequest",
        prefix + "json: cannot unmarshal string" + field);
    HttpResponse<String> exponent = createDeployment(namespace, "1E10", "\"x\"");
    assertThat(exponent.statusCode()).as(exponent.body()).isEqualTo(400);
    assertThat(Http.json(exponent).getString("message")).startsWith(prefix).endsWith(field);
    assertStatus(createDeployment(namespace, "1", "1"), 400, "BadRequest", prefix
        + "json: cannot unmarshal number into Go struct field"
        + " LabelSelectorRequirement.spec.selector.matchExpressions.values of type string");
    assertThat(createDeployment(namespace, "1", "\"x\"").statusCode()).isEqualTo(201);
  }

  @Test
  void secretDataThatIsNotBase64IsA400() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = Http.postJson(secrets(namespace),
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},"
            + "\"data\":{\"password\":\"not base64\"}}");

    assertStatus(response, 400, "BadRequest",
        "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3");
    assertThat(Http.get(URI.create(secrets(namespace) + "/s")).statusCode()).isEqualTo(404);
  }

  // --- patches --------------------------------------------------------------------------------

  @Test
  void aMergePatchMakingMetadataANumberIs422AndChangesNothing() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");

    HttpResponse<String> response = Http.patch(configMapUri(namespace, "cm"),
        "application/merge-patch+json", "{\"metadata\":5}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    JsonObject status = Http.json(response);
    assertThat(status.getString("reason")).isEqualTo("Invalid");
    assertThat(status.getString("message")).startsWith(" \"\" is invalid: patch: Invalid value: ")
        .endsWith(": json: cannot unmarshal number into Go struct field ConfigMap.metadata of"
            + " type v1.ObjectMeta");
    assertUnchanged(namespace, "cm", created);
  }

  @Test
  void aStrategicPatchGivingDataANumberIs422() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");

    HttpResponse<String> response = Http.patch(configMapUri(namespace, "cm"),
        "application/strategic-merge-patch+json", "{\"data\":{\"a\":5}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(Http.json(response).getString("message")).endsWith(
        "json: cannot unmarshal number into Go struct field ConfigMap.data of type string");
    assertUnchanged(namespace, "cm", created);
  }

  @Test
  void sixteenCopiesDoublingDataAreRefusedQuicklyAndStoreNothing() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> first = Http.postJson(configMaps(namespace),
        configMap("cm", "\"data\":{\"a\":\"" + "x".repeat(100) + "\"}"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    JsonObject created = Http.json(first);
    StringBuilder patch = new StringBuilder("[");
    for (int i = 0; i < 16; i++) {
      patch.append(i == 0 ? "" : ",").append("{\"op\":\"copy\",\"from\":\"/data\",\"path\":\"/data/d")
          .append(i).append("\"}");
    }
    Instant start = Instant.now();

    HttpResponse<String> response = Http.patch(configMapUri(namespace, "cm"),
        "application/json-patch+json", patch.append("]").toString());

    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(Http.json(response).getString("reason")).isEqualTo("Invalid");
    assertUnchanged(namespace, "cm", created);
  }

  @Test
  void copiesOverThreeMebibytesAreRefusedAsKubernetesBoundsThem() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> first = Http.postJson(configMaps(namespace),
        configMap("cm", "\"data\":{\"a\":\"" + "x".repeat(200_000) + "\"}"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    StringBuilder patch = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      patch.append(i == 0 ? "" : ",").append("{\"op\":\"copy\",\"from\":\"/data/a\",\"path\":\"/data/c")
          .append(i).append("\"}");
    }

    HttpResponse<String> response = Http.patch(configMapUri(namespace, "cm"),
        "application/json-patch+json", patch.append("]").toString());

    assertStatus(response, 422, "Invalid", "the server rejected our request due to an error in"
        + " our request: Unable to complete the copy, the accumulated size increase of copy is"
        + " 3200032, exceeding the limit 3145728");
    assertUnchanged(namespace, "cm", Http.json(first));
  }

  @Test
  void removingARoleBindingsRoleRefOrASubjectIs422AsKubernetesValidatesIt() {
    String namespace = SERVER.newNamespace();
    URI bindings = SERVER.api("/apis/rbac.authorization.k8s.io/v1/namespaces/" + namespace
        + "/rolebindings");
    HttpResponse<String> created = Http.postJson(bindings, "{\"apiVersion\":"
        + "\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"rb\"},"
        + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\","
        + "\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"u\"}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    URI binding = URI.create(bindings + "/rb");

    assertStatus(Http.patch(binding, "application/merge-patch+json", "{\"roleRef\":null}"), 422,
        "Invalid", "RoleBinding.rbac.authorization.k8s.io \"rb\" is invalid: [roleRef.kind:"
            + " Unsupported value: \"\": supported values: \"Role\", \"ClusterRole\", roleRef.name:"
            + " Required value, roleRef: Invalid value: rbac.RoleRef{APIGroup:"
            + "\"rbac.authorization.k8s.io\", Kind:\"\", Name:\"\"}: cannot change roleRef]");
    assertStatus(Http.patch(binding, "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/subjects/0\",\"value\":null}]"), 422, "Invalid",
        "RoleBinding.rbac.authorization.k8s.io \"rb\" is invalid: [subjects[0].name: Required"
            + " value, subjects[0].kind: Unsupported value: \"\": supported values:"
            + " \"ServiceAccount\", \"User\", \"Group\"]");
    JsonObject now = Http.json(Http.get(binding));
    assertThat(now.getJsonObject("metadata").getString("resourceVersion")).isEqualTo(
        Http.json(created).getJsonObject("metadata").getString("resourceVersion"));
    assertThat(now.getJsonObject("roleRef").getString("name")).isEqualTo("view");
  }

  // --- routing --------------------------------------------------------------------------------

  @Test
  void aSubresourceTheKindDoesNotHaveIsA404BeforeItsBodyIsRead() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");
    URI nonsense = URI.create(configMapUri(namespace, "cm") + "/nonsense");
    String notFound = "the server could not find the requested resource";

    assertStatus(Http.put(nonsense, configMap("cm", "\"data\":{\"a\":1}")), 404, "NotFound",
        notFound);
    assertStatus(Http.put(nonsense, "not json"), 404, "NotFound", notFound);
    assertStatus(Http.postJson(nonsense, configMap("cm", "")), 404, "NotFound", notFound);
    assertStatus(Http.patch(nonsense, "application/merge-patch+json", "{\"data\":{\"b\":\"c\"}}"),
        404, "NotFound", notFound);
    assertStatus(Http.patch(URI.create(configMapUri(namespace, "cm") + "/status"),
        "application/merge-patch+json", "{\"data\":{\"b\":\"c\"}}"), 404, "NotFound", notFound);
    assertUnchanged(namespace, "cm", created);
    assertStatus(Http.put(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/p/log"),
            "{}"), 405, "MethodNotAllowed",
        "the server does not allow this method on the requested resource");
  }

  // --- identity -------------------------------------------------------------------------------

  @Test
  void noPatchRenamesOrMovesAnObject() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");
    URI uri = configMapUri(namespace, "cm");

    assertStatus(Http.patch(uri, "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/metadata/name\",\"value\":\"renamed\"}]"),
        400, "BadRequest", "the name of the object (renamed) does not match the name on the URL (cm)");
    assertStatus(Http.patch(uri, "application/merge-patch+json",
            "{\"metadata\":{\"name\":\"renamed\"}}"),
        400, "BadRequest", "the name of the object (renamed) does not match the name on the URL (cm)");
    assertStatus(Http.patch(uri, "application/strategic-merge-patch+json",
            "{\"metadata\":{\"namespace\":\"default\"}}"),
        400, "BadRequest", "the namespace of the object (default) does not match the namespace on"
            + " the request (" + namespace + ")");
    assertUnchanged(namespace, "cm", created);
    assertThat(Http.get(configMapUri(namespace, "renamed")).statusCode()).isEqualTo(404);
    assertStatus(Http.put(uri, configMap("other", "\"data\":{}")), 400, "BadRequest",
        "the name of the object (other) does not match the name on the URL (cm)");
  }

  @Test
  void aPutWithoutANameIsA400AsKubernetesChecksTheName() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");

    assertStatus(Http.put(configMapUri(namespace, "cm"),
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{},\"data\":{}}"),
        400, "BadRequest",
        "the name of the object (cm based on URL) was undeterminable: name must be provided");
    assertUnchanged(namespace, "cm", created);
  }

  @Test
  void aDeletePreconditionThatIsNoResourceVersionIsAConflictAsKubernetesComparesStrings() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");
    String version = created.getJsonObject("metadata").getString("resourceVersion");

    for (String precondition : new String[] {"abc", "0" + version}) {
      assertStatus(Http.delete(configMapUri(namespace, "cm"),
              "{\"preconditions\":{\"resourceVersion\":\"" + precondition + "\"}}"),
          409, "Conflict", "Operation cannot be fulfilled on ConfigMap \"cm\": the"
              + " ResourceVersion in the precondition (" + precondition + ") does not match the"
              + " ResourceVersion in record (" + version + "). The object might have been"
              + " modified");
    }
    assertUnchanged(namespace, "cm", created);
  }

  /**
   * A DELETE's preconditions are checked on the object as read (kube-apiserver's
   * {@code rest.BeforeDelete}, a namespace by its own storage); a PUT's uid by the storage layer
   * ({@code StorageError}), as kube-apiserver words each.
   */
  @Test
  void aFailedUidPreconditionIsKubernetesConflictInTheWordsOfWhereKubernetesChecksIt() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");
    String uid = created.getJsonObject("metadata").getString("uid");
    String other = "00000000-0000-0000-0000-000000000000";

    assertStatus(Http.delete(configMapUri(namespace, "cm"),
            "{\"preconditions\":{\"uid\":\"" + other + "\"}}"), 409, "Conflict",
        "Operation cannot be fulfilled on ConfigMap \"cm\": the UID in the precondition (" + other
            + ") does not match the UID in record (" + uid + "). The object might have been"
            + " deleted and then recreated");
    assertStatus(Http.delete(URI.create(configMapUri(namespace, "cm") + "?dryRun=All"),
            "{\"preconditions\":{\"uid\":\"" + other + "\"}}"), 409, "Conflict",
        "Operation cannot be fulfilled on ConfigMap \"cm\": the UID in the precondition (" + other
            + ") does not match the UID in record (" + uid + "). The object might have been"
            + " deleted and then recreated");
    // kube-apiserver takes a PUT body's uid as a precondition (defaultUpdatedObjectInfo)
    assertStatus(Http.put(configMapUri(namespace, "cm"), "{\"apiVersion\":\"v1\",\"kind\":"
            + "\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"uid\":\"" + other + "\"},"
            + "\"data\":{\"a\":\"changed\"}}"), 409, "Conflict",
        "Operation cannot be fulfilled on configmaps \"cm\": StorageError: invalid object, Code:"
            + " 4, Key: /registry/configmaps/" + namespace + "/cm, ResourceVersion: 0,"
            + " AdditionalErrorMsg: Precondition failed: UID in precondition: " + other
            + ", UID in object meta: " + uid);
    assertUnchanged(namespace, "cm", created);

    HttpResponse<String> sameUid = Http.put(configMapUri(namespace, "cm"), "{\"apiVersion\":"
        + "\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"uid\":\"" + uid
        + "\"},\"data\":{\"a\":\"changed\"}}");
    assertThat(sameUid.statusCode()).as(sameUid.body()).isEqualTo(200);

    String namespaceUid = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace)))
        .getJsonObject("metadata").getString("uid");
    assertStatus(Http.delete(SERVER.api("/api/v1/namespaces/" + namespace),
            "{\"preconditions\":{\"uid\":\"" + other + "\"}}"), 409, "Conflict",
        "Operation cannot be fulfilled on namespaces \"" + namespace + "\": Precondition failed:"
            + " UID in precondition: " + other + ", UID in object meta: " + namespaceUid);
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace)))
        .getJsonObject("status").getString("phase")).isEqualTo("Active");
  }

  @Test
  void aPutNamingAnotherNamespaceIsA400InCheckNamesWords() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");

    assertStatus(Http.put(configMapUri(namespace, "cm"), "{\"apiVersion\":\"v1\",\"kind\":"
            + "\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\"},"
            + "\"data\":{}}"),
        400, "BadRequest", "the namespace of the object (default) does not match the namespace on"
            + " the request (" + namespace + ")");
    assertUnchanged(namespace, "cm", created);
  }

  @Test
  void aScalePutWithoutOrWithAnotherNameIsA400AsEveryPut() {
    String namespace = SERVER.newNamespace();
    URI deployments = SERVER.api("/apis/apps/v1/namespaces/" + namespace + "/deployments");
    HttpResponse<String> created = Http.postJson(deployments, "{\"apiVersion\":\"apps/v1\","
        + "\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":0,"
        + "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"metadata\":"
        + "{\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx\"}]}}}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    URI scale = URI.create(deployments + "/d/scale");

    assertStatus(Http.put(scale, scaleBody("{}")), 400, "BadRequest",
        "the name of the object (d based on URL) was undeterminable: name must be provided");
    assertStatus(Http.put(scale, scaleBody("{\"name\":\"other\"}")), 400, "BadRequest",
        "the name of the object (other) does not match the name on the URL (d)");
    assertStatus(Http.put(scale, scaleBody("{\"name\":\"d\",\"namespace\":\"default\"}")),
        400, "BadRequest", "the namespace of the object (default) does not match the namespace"
            + " on the request (" + namespace + ")");
    assertThat(Http.json(Http.get(URI.create(deployments + "/d"))).getJsonObject("spec")
        .getInt("replicas")).isZero();

    HttpResponse<String> scaled = Http.put(scale, scaleBody("{\"name\":\"d\"}"));
    assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
    assertThat(Http.json(scaled).getJsonObject("spec").getInt("replicas")).isEqualTo(2);
  }

  @Test
  void aPatchedUidIsImmutableAndAPatchedCreationTimestampIsIgnoredAsKubernetesDoes() {
    String namespace = SERVER.newNamespace();
    JsonObject created = create(namespace, "cm");
    JsonObject metadata = created.getJsonObject("metadata");

    // kube-apiserver's ValidateObjectMetaUpdate: the uid may not change (its BeforeUpdate has
    // put back the stored creationTimestamp before that, so that change alone is ignored)
    assertStatus(Http.patch(configMapUri(namespace, "cm"), "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/metadata/uid\",\"value\":"
                + "\"00000000-0000-0000-0000-000000000000\"}]"),
        422, "Invalid", "ConfigMap \"cm\" is invalid: metadata.uid: Invalid value:"
            + " \"00000000-0000-0000-0000-000000000000\": field is immutable");
    assertUnchanged(namespace, "cm", created);

    HttpResponse<String> response = Http.patch(configMapUri(namespace, "cm"),
        "application/json-patch+json", "[{\"op\":\"replace\",\"path\":"
            + "\"/metadata/creationTimestamp\",\"value\":\"2000-01-01T00:00:00Z\"}]");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject after = Http.json(Http.get(configMapUri(namespace, "cm"))).getJsonObject("metadata");
    assertThat(after.getString("uid")).isEqualTo(metadata.getString("uid"));
    assertThat(after.getString("creationTimestamp")).isEqualTo(metadata.getString("creationTimestamp"));
    HttpResponse<String> withoutUid = Http.patch(configMapUri(namespace, "cm"),
        "application/merge-patch+json", "{\"metadata\":{\"uid\":null}}");
    assertThat(withoutUid.statusCode()).as(withoutUid.body()).isEqualTo(200);
    assertThat(Http.json(withoutUid).getJsonObject("metadata").getString("uid"))
        .isEqualTo(metadata.getString("uid"));
  }

  // --- Kubernetes' validation -----------------------------------------------------------------

  @Test
  void aConfigMapKeyOutOfTheVolumeIs422() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = Http.postJson(configMaps(namespace),
        configMap("keys", "\"data\":{\"../x\":\"y\"}"));

    assertStatus(response, 422, "Invalid", "ConfigMap \"keys\" is invalid: [data[../x]: Invalid"
        + " value: \"../x\": a valid config key must consist of alphanumeric characters, '-', '_'"
        + " or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is"
        + " '[-._a-zA-Z0-9]+'), data[../x]: Invalid value: \"../x\": must not start with '..']");
    assertThat(Http.json(response).getJsonObject("details").getJsonArray("causes")
        .getJsonObject(0).getString("field")).isEqualTo("data[../x]");
    assertNotStored(namespace, "keys");
  }

  @Test
  void configMapDataOverOneMebibyteAndAnnotationsOver256KiBAre422() {
    String namespace = SERVER.newNamespace();
    assertStatus(Http.postJson(configMaps(namespace), configMap("big", "\"data\":{\"a\":\""
            + "x".repeat(1024 * 1024) + "\",\"b\":\"0123456789\"}")),
        422, "Invalid", "ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes");
    assertStatus(Http.postJson(configMaps(namespace), configMap("big", "\"data\":{\"a\":\""
            + "x".repeat(2_900 * 1024) + "\"}")),
        422, "Invalid", "ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes");
    assertStatus(Http.postJson(configMaps(namespace), "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
            + "\"metadata\":{\"name\":\"big\",\"annotations\":{\"a\":\"" + "x".repeat(300 * 1024)
            + "\"}}}"),
        422, "Invalid", "ConfigMap \"big\" is invalid: metadata.annotations: Too long: must have at"
            + " most 262144 bytes");
    assertNotStored(namespace, "big");
    assertThat(Http.postJson(configMaps(namespace), configMap("exactly", "\"data\":{\"a\":\""
        + "x".repeat(1024 * 1024) + "\"}")).statusCode()).isEqualTo(201);
  }

  @Test
  void anObjectLargerThanTheStoreTakesIs413() {
    String namespace = SERVER.newNamespace();
    String binary = Base64.getEncoder().encodeToString(new byte[1024 * 1024]);
    HttpResponse<String> response = Http.postJson(configMaps(namespace), "{\"apiVersion\":\"v1\","
        + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\",\"annotations\":{\"a\":\""
        + "x".repeat(200 * 1024) + "\"}},\"binaryData\":{\"b\":\"" + binary + "\"}}");

    assertStatus(response, 413, "RequestEntityTooLarge", "etcdserver: request is too large");
    assertNotStored(namespace, "big");
  }

  // --- helpers --------------------------------------------------------------------------------

  private static HttpResponse<String> createDeployment(String namespace, String replicas,
      String selectorValue) {
    return Http.postJson(URI.create(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments") + "?dryRun=All"), "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
        + "\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":" + replicas + ",\"selector\":{"
        + "\"matchLabels\":{\"app\":\"d\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":"
        + "\"NotIn\",\"values\":[" + selectorValue + "]}]},\"template\":{\"metadata\":{\"labels\":"
        + "{\"app\":\"d\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}");
  }

  private static JsonObject create(String namespace, String name) {
    HttpResponse<String> response = Http.postJson(configMaps(namespace),
        configMap(name, "\"data\":{\"a\":\"b\"}"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Http.json(response);
  }

  private static void assertNotStored(String namespace, String name) {
    assertThat(Http.get(configMapUri(namespace, name)).statusCode()).isEqualTo(404);
  }

  private static void assertUnchanged(String namespace, String name, JsonObject before) {
    HttpResponse<String> now = Http.get(configMapUri(namespace, name));
    assertThat(now.statusCode()).isEqualTo(200);
    assertThat(Http.json(now).getJsonObject("metadata").getString("resourceVersion"))
        .isEqualTo(before.getJsonObject("metadata").getString("resourceVersion"));
    assertThat(Http.json(now).get("data")).isEqualTo(before.get("data"));
  }

  private static String scaleBody(String metadata) {
    return "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":" + metadata
        + ",\"spec\":{\"replicas\":2}}";
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static String configMap(String name, String rest) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}"
        + (rest.isEmpty() ? "" : "," + rest) + "}";
  }

  private static URI configMaps(String namespace) {
    return SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps");
  }

  private static URI configMapUri(String namespace, String name) {
    return URI.create(configMaps(namespace) + "/" + name);
  }

  private static URI secrets(String namespace) {
    return SERVER.api("/api/v1/namespaces/" + namespace + "/secrets");
  }
}
