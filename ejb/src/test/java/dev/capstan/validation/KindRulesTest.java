package dev.capstan.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.admission.Defaulting;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KindRulesTest {

  private static final String RC = """
      {"metadata":{"name":"node-js","labels":{"name":"node-js"}},
       "spec":{"replicas":3,"selector":{"name":"node-js"},
         "template":{"metadata":{"labels":{"name":"node-js"}},
           "spec":{"containers":[{"name":"node-js","image":"jonbaier/node-express-info:latest",
             "ports":[{"containerPort":80}]}]}}}}""";

  private static final String SERVICE = """
      {"metadata":{"name":"node-js"},
       "spec":{"type":"LoadBalancer","ports":[{"port":80}],"selector":{"name":"node-js"}}}""";

  @Test
  void referenceManifestsAreValid() {
    assertThat(validate(ResourceTypes.REPLICATION_CONTROLLER, RC)).isEmpty();
    assertThat(validate(ResourceTypes.SERVICE, SERVICE)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // the books' typos
      "selector not matching the template|\"selector\":{\"name\":\"node-js\"}|\"selector\":{\"name\":\"nodejs\"}|spec.template.metadata.labels|`selector` does not match template `labels`",
      "negative replicas|\"replicas\":3|\"replicas\":-1|spec.replicas|must be greater than or equal to 0",
      "no image|\"image\":\"jonbaier/node-express-info:latest\",|\"image\":\"\",|spec.template.spec.containers[0].image|Required value",
      "bad container port|\"containerPort\":80|\"containerPort\":70000|spec.template.spec.containers[0].ports[0].containerPort|must be between 1 and 65535",
      "restart policy in lower case|\"spec\":{\"containers\"|\"spec\":{\"restartPolicy\":\"always\",\"containers\"|spec.template.spec.restartPolicy|Unsupported value: \"always\"",
      "bad quantity|\"ports\":[{\"containerPort\":80}]|\"resources\":{\"limits\":{\"cpu\":\"1.5.5\"}}|spec.template.spec.containers[0].resources.limits[cpu]|quantities must match the regular expression"})
  void replicationControllerMistakesNameTheirField(String what, String from, String to, String field,
      String message) {
    List<FieldError> errors = validate(ResourceTypes.REPLICATION_CONTROLLER, RC.replace(from, to));

    assertThat(errors).as(what).anySatisfy(error -> {
      assertThat(error.field()).isEqualTo(field);
      assertThat(error.message()).contains(message);
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "type in lower case|\"LoadBalancer\"|\"nodeport\"|spec.type|Unsupported value: \"nodeport\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
      "node port on a ClusterIP service|\"LoadBalancer\",\"ports\":[{\"port\":80}]|\"ClusterIP\",\"ports\":[{\"port\":80,\"nodePort\":30080}]|spec.ports[0].nodePort|may not be used when `type` is 'ClusterIP'",
      "unnamed second port|[{\"port\":80}]|[{\"name\":\"http\",\"port\":80},{\"port\":8888}]|spec.ports[1].name|Required value",
      "port zero|{\"port\":80}|{\"port\":0}|spec.ports[0].port|must be between 1 and 65535",
      "affinity typo|\"selector\"|\"sessionAffinity\":\"clientip\",\"selector\"|spec.sessionAffinity|Unsupported value"})
  void serviceMistakesNameTheirField(String what, String from, String to, String field, String message) {
    assertThat(validate(ResourceTypes.SERVICE, SERVICE.replace(from, to))).as(what).anySatisfy(error -> {
      assertThat(error.field()).isEqualTo(field);
      assertThat(error.message()).contains(message);
    });
  }

  @Test
  void podNeedsContainersWithUniqueNames() {
    assertThat(validate(ResourceTypes.POD, "{\"metadata\":{\"name\":\"p\"},\"spec\":{}}"))
        .extracting(FieldError::field).containsExactly("spec.containers");
    assertThat(validate(ResourceTypes.POD, """
        {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"a","image":"y"}]}}"""))
        .extracting(FieldError::reason).containsExactly("FieldValueDuplicate");
  }

  @Test
  void volumeMountsMustNameAVolumeOfThePod() {
    assertThat(validate(ResourceTypes.POD, """
        {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x",
          "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"cache","mountPath":"/c"}]}],
          "volumes":[{"name":"data","emptyDir":{}}]}}"""))
        .singleElement().satisfies(error -> {
          assertThat(error.field()).isEqualTo("spec.containers[0].volumeMounts[1].name");
          assertThat(error.message()).isEqualTo("Not found: \"cache\"");
        });
  }

  @Test
  void deploymentNeedsASelector() {
    assertThat(validate(ResourceTypes.DEPLOYMENT, """
        {"metadata":{"name":"d"},"spec":{"template":{"metadata":{"labels":{"app":"x"}},
          "spec":{"containers":[{"name":"c","image":"x"}]}}}}"""))
        .extracting(FieldError::field).containsExactly("spec.selector");
  }

  private static final String DEPLOYMENT = """
      {"metadata":{"name":"web"},"spec":{"replicas":1,
        "selector":{"matchLabels":{"app":"web"},
          "matchExpressions":[{"key":"tier","operator":"In","values":["front"]}]},
        "template":{"metadata":{"labels":{"app":"web","tier":"front"}},
          "spec":{"containers":[{"name":"c","image":"x"}]}}}}""";

  @Test
  void deploymentWithAValidSelectorIsAccepted() {
    assertThat(validate(ResourceTypes.DEPLOYMENT, DEPLOYMENT)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "In without values|,\"values\":[\"front\"]||spec.selector.matchExpressions[0].values|Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "Exists with values|\"In\"|\"Exists\"|spec.selector.matchExpressions[0].values|Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      "operator in lower case|\"In\"|\"in\"|spec.selector.matchExpressions[0].operator|Invalid value: \"in\": not a valid selector operator",
      "bad key|\"key\":\"tier\"|\"key\":\"-tier\"|spec.selector.matchExpressions[0].key|Invalid value: \"-tier\": name part must consist",
      "bad matchLabels value|{\"app\":\"web\"},|{\"app\":\"web\",\"x\":\"-\"},|spec.selector.matchLabels|Invalid value: \"-\": a valid label must be",
      "expression missing the template|[\"front\"]|[\"back\"]|spec.template.metadata.labels|`selector` does not match template `labels`"})
  void deploymentSelectorMistakesNameTheirField(String what, String from, String to,
      String field, String message) {
    String body = DEPLOYMENT.replace(from, to == null ? "" : to);
    assertThat(validate(ResourceTypes.DEPLOYMENT, body)).anySatisfy(error -> {
      assertThat(error.field()).isEqualTo(field);
      assertThat(error.message()).contains(message);
    });
  }

  @Test
  void emptySelectorIsRefusedForTheWorkloadKinds() {
    String empty = DEPLOYMENT.replaceAll("(?s)\"selector\":\\{.*?]},", "\"selector\":{},");
    assertThat(empty).contains("\"selector\":{},");
    assertThat(validate(ResourceTypes.DEPLOYMENT, empty)).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("spec.selector");
      assertThat(error.message()).endsWith("empty selector is invalid for deployment");
    });
  }

  @Test
  void replicationControllerWithoutSelectorSelectsItsTemplateLabels() {
    String withoutSelector = RC.replace("\"selector\":{\"name\":\"node-js\"},", "");
    assertThat(validate(ResourceTypes.REPLICATION_CONTROLLER, withoutSelector)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"500m", "1.5", "1500m", "512Mi", "2Gi", "1e3", "0.5", ".5", "100", "1k", "-1"})
  void wellFormedQuantitiesAreAccepted(String quantity) {
    assertThat(Quantities.isValid(quantity)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5.5", "abc", "1 Gi", "Gi", "", "5mb", "1Gix"})
  void malformedQuantitiesAreRefused(String quantity) {
    assertThat(Quantities.isValid(quantity)).isFalse();
  }

  private static final String CRON_JOB = """
      {"metadata":{"name":"hello"},
       "spec":{"schedule":"*/1 * * * *","jobTemplate":{"spec":{"template":{"spec":{
         "restartPolicy":"OnFailure","containers":[{"name":"hello","image":"busybox"}]}}}}}}""";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not cron|\"*/1 * * * *\"|\"every minute\"|spec.schedule|Invalid value: \"every minute\"",
      "minute out of range|\"*/1 * * * *\"|\"61 * * * *\"|spec.schedule|Invalid value: \"61 * * * *\"",
      "no schedule|\"schedule\":\"*/1 * * * *\",||spec.schedule|Required value",
      "unknown time zone|\"schedule\"|\"timeZone\":\"Mars/Olympus\",\"schedule\"|spec.timeZone|unknown time zone Mars/Olympus",
      "concurrency policy in lower case|\"schedule\"|\"concurrencyPolicy\":\"forbid\",\"schedule\"|spec.concurrencyPolicy|Unsupported value: \"forbid\"",
      "negative history|\"schedule\"|\"failedJobsHistoryLimit\":-1,\"schedule\"|spec.failedJobsHistoryLimit|must be greater than or equal to 0",
      "no image|\"image\":\"busybox\"|\"image\":\"\"|spec.jobTemplate.spec.template.spec.containers[0].image|Required value"})
  void cronJobMistakesNameTheirField(String what, String from, String to, String field,
      String message) {
    assertThat(validate(ResourceTypes.CRON_JOB, CRON_JOB)).isEmpty();
    assertThat(validate(ResourceTypes.CRON_JOB, CRON_JOB.replace(from, to == null ? "" : to)))
        .as(what).anySatisfy(error -> {
          assertThat(error.field()).isEqualTo(field);
          assertThat(error.message()).contains(message);
        });
  }

  @Test
  void aRoleBindingWhoseRoleRefWasRemovedIsInvalidAsKubernetesFindsItAfterDefaulting() {
    JsonObject current = json("""
        {"metadata":{"name":"rb","namespace":"a"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
         "subjects":[{"kind":"User","name":"u","apiGroup":"rbac.authorization.k8s.io"}]}""");
    JsonObject patched = Defaulting.apply("rbac.authorization.k8s.io", "RoleBinding",
        Json.createObjectBuilder(current).remove("roleRef").build());

    assertThat(ObjectValidation.validateUpdate(ResourceTypes.ROLE_BINDING, current, patched))
        .extracting(FieldError::toString).containsExactly(
            "roleRef.kind: Unsupported value: \"\": supported values: \"Role\", \"ClusterRole\"",
            "roleRef.name: Required value",
            "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\","
                + " Kind:\"\", Name:\"\"}: cannot change roleRef");
  }

  @Test
  void anUpdateMayNotChangeTheUidButMayLeaveItOut() {
    JsonObject current = json("""
        {"metadata":{"name":"cm","namespace":"a","uid":"u-1"},"data":{"k":"v"}}""");

    assertThat(ObjectValidation.validateUpdate(ResourceTypes.CONFIG_MAP, current, json("""
        {"metadata":{"name":"cm","namespace":"a","uid":"u-2"},"data":{"k":"v"}}""")))
        .extracting(FieldError::toString).containsExactly(
            "metadata.uid: Invalid value: \"u-2\": field is immutable");
    assertThat(ObjectValidation.validateUpdate(ResourceTypes.CONFIG_MAP, current, json("""
        {"metadata":{"name":"cm","namespace":"a"},"data":{"k":"v"}}"""))).isEmpty();
    assertThat(ObjectValidation.validateUpdate(ResourceTypes.CONFIG_MAP, current, current))
        .isEmpty();
  }

  private static List<FieldError> validate(ResourceType type, String json) {
    JsonObject object = Defaulting.apply(type.group(), type.kind(),
        Json.createReader(new StringReader(json)).readObject());
    return ObjectValidation.validateCreate(type, object);
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
