package dev.capstan.admission.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.admission.AdmissionDenied;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.resources.ResourceList;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuotaCheckTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String POD = """
      {"metadata":{"name":"web-x7k2q"},"spec":{"containers":[{"name":"web",
       "resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"cpu":"500m"}}}]},
       "status":{"phase":"Pending"}}""";

  static Stream<Arguments> usages() {
    return Stream.of(
        Arguments.of(ResourceTypes.POD, POD,
            "count/pods=1,cpu=250m,limits.cpu=500m,memory=64Mi,pods=1,requests.cpu=250m,"
                + "requests.memory=64Mi"),
        Arguments.of(ResourceTypes.POD, POD.replace("Pending", "Succeeded"), "count/pods=1"),
        Arguments.of(ResourceTypes.POD, POD.replace("\"name\":\"web-x7k2q\"",
                "\"name\":\"web-x7k2q\",\"deletionTimestamp\":\"2025-12-31T23:59:00Z\","
                    + "\"deletionGracePeriodSeconds\":30"), "count/pods=1"),
        Arguments.of(ResourceTypes.POD, POD.replace("\"name\":\"web-x7k2q\"",
                "\"name\":\"web-x7k2q\",\"deletionTimestamp\":\"2025-12-31T23:59:50Z\","
                    + "\"deletionGracePeriodSeconds\":30"),
            "count/pods=1,cpu=250m,limits.cpu=500m,memory=64Mi,pods=1,requests.cpu=250m,"
                + "requests.memory=64Mi"),
        Arguments.of(ResourceTypes.SERVICE, "{\"spec\":{\"ports\":[{\"port\":80}]}}",
            "count/services=1,services=1,services.loadbalancers=0,services.nodeports=0"),
        Arguments.of(ResourceTypes.SERVICE,
            "{\"spec\":{\"type\":\"LoadBalancer\",\"ports\":[{\"port\":80},{\"port\":443}]}}",
            "count/services=1,services=1,services.loadbalancers=1,services.nodeports=2"),
        Arguments.of(ResourceTypes.REPLICATION_CONTROLLER, "{}",
            "count/replicationcontrollers=1,replicationcontrollers=1"),
        Arguments.of(ResourceTypes.DEPLOYMENT, "{}", "count/deployments.apps=1"),
        Arguments.of(ResourceTypes.CONFIG_MAP, "{}", "configmaps=1,count/configmaps=1"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("usages")
  void countsWhatAnObjectUses(ResourceType type, String object, String usage) {
    assertThat(QuotaUsage.of(type, json(object), NOW).toString()).isEqualTo(usage);
  }

  static Stream<Arguments> decisions() {
    return Stream.of(
        Arguments.of("within the quota", "{\"pods\":\"3\"}", "{\"pods\":\"2\"}",
            ResourceTypes.POD, POD, "pods=3"),
        Arguments.of("the reference's fourth pod", "{\"pods\":\"3\"}", "{\"pods\":\"3\"}",
            ResourceTypes.POD, POD, "pods \"web-x7k2q\" is forbidden: exceeded quota: q,"
                + " requested: pods=1, used: pods=3, limited: pods=3"),
        Arguments.of("cpu over, memory within", "{\"requests.cpu\":\"1\",\"requests.memory\":\"1Gi\"}",
            "{\"requests.cpu\":\"800m\",\"requests.memory\":\"0\"}", ResourceTypes.POD, POD,
            "pods \"web-x7k2q\" is forbidden: exceeded quota: q, requested: requests.cpu=250m,"
                + " used: requests.cpu=800m, limited: requests.cpu=1"),
        Arguments.of("bare cpu means requests", "{\"cpu\":\"2\",\"limits.cpu\":\"2\"}",
            "{\"cpu\":\"1\",\"limits.cpu\":\"1\"}", ResourceTypes.POD, POD,
            "cpu=1250m,limits.cpu=1500m"),
        Arguments.of("a second service", "{\"services\":\"1\"}", "{\"services\":\"1\"}",
            ResourceTypes.SERVICE, "{\"metadata\":{\"name\":\"db\"},\"spec\":{}}",
            "services \"db\" is forbidden: exceeded quota: q, requested: services=1,"
                + " used: services=1, limited: services=1"),
        Arguments.of("a quota that counts nothing of the kind", "{\"services\":\"0\"}",
            "{\"services\":\"0\"}", ResourceTypes.POD, POD, ""),
        Arguments.of("object count by group", "{\"count/deployments.apps\":\"1\"}",
            "{\"count/deployments.apps\":\"1\"}", ResourceTypes.DEPLOYMENT,
            "{\"metadata\":{\"name\":\"web\"}}", "deployments.apps \"web\" is forbidden:"
                + " exceeded quota: q, requested: count/deployments.apps=1,"
                + " used: count/deployments.apps=1, limited: count/deployments.apps=1"),
        Arguments.of("a pod without the request a quota constrains", "{\"requests.memory\":\"1Gi\","
                + "\"limits.memory\":\"1Gi\"}", "{\"requests.memory\":\"0\",\"limits.memory\":\"0\"}",
            ResourceTypes.POD, POD, "pods \"web-x7k2q\" is forbidden: failed quota: q: must specify"
                + " limits.memory for: web"));
  }

  /**
   * @param outcome the quota's new usage, empty when it is not charged, or the refusal
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void chargesOrRefusesAsKubernetesDoes(String title, String hard, String used, ResourceType type,
      String object, String outcome) {
    JsonObject quota = quota("q", hard, used, "");
    if (outcome.contains("forbidden")) {
      assertThatThrownBy(() -> QuotaCheck.check(List.of(quota), type, json(object), NOW,
          q -> ResourceList.of(json(used))))
          .isInstanceOf(AdmissionDenied.class).hasMessage(outcome);
      return;
    }
    List<QuotaCheck.Charge> charges = QuotaCheck.check(List.of(quota), type, json(object), NOW,
        q -> ResourceList.of(json(used)));
    assertThat(charges.stream().map(c -> c.used().toString()).findFirst().orElse(""))
        .isEqualTo(outcome);
  }

  @Test
  void aFullRecordIsCountedAgainBeforeRefusingSinceDeletionsMayNotShowYet() {
    AtomicInteger counts = new AtomicInteger();
    JsonObject quota = quota("q", "{\"pods\":\"3\"}", "{\"pods\":\"3\"}", "");

    List<QuotaCheck.Charge> charges = QuotaCheck.check(List.of(quota), ResourceTypes.POD,
        json(POD), NOW, q -> {
          counts.incrementAndGet();
          return ResourceList.of(json("{\"pods\":\"2\"}"));
        });

    assertThat(counts).hasValue(1);
    assertThat(charges).singleElement().extracting(c -> c.used().toString()).isEqualTo("pods=3");
  }

  @Test
  void aQuotaWithoutRecordedUsageIsCountedFirst() {
    JsonObject quota = quota("q", "{\"pods\":\"3\"}", "{}", "");

    List<QuotaCheck.Charge> charges = QuotaCheck.check(List.of(quota), ResourceTypes.POD,
        json(POD), NOW, q -> ResourceList.of(json("{\"pods\":\"1\"}")));

    assertThat(charges).singleElement().extracting(c -> c.used().toString()).isEqualTo("pods=2");
  }

  @Test
  void scopedQuotasOnlyChargeThePodsTheirScopesSelect() {
    JsonObject bestEffort = quota("best-effort", "{\"pods\":\"1\"}", "{\"pods\":\"1\"}",
        "\"scopes\":[\"BestEffort\"],");
    JsonObject terminating = quota("terminating", "{\"pods\":\"5\"}", "{\"pods\":\"0\"}",
        "\"scopes\":[\"Terminating\"],");
    String plain = "{\"metadata\":{\"name\":\"plain\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}";

    assertThatThrownBy(() -> QuotaCheck.check(List.of(bestEffort, terminating), ResourceTypes.POD,
        json(plain), NOW, q -> ResourceList.of(json("{\"pods\":\"1\"}"))))
        .hasMessageContaining("exceeded quota: best-effort");
    assertThat(QuotaCheck.check(List.of(bestEffort, terminating), ResourceTypes.POD, json(POD),
        NOW, q -> ResourceList.EMPTY)).isEmpty();
    assertThat(QuotaCheck.check(List.of(bestEffort, terminating), ResourceTypes.POD,
        json(POD.replace("\"spec\":{", "\"spec\":{\"activeDeadlineSeconds\":60,")), NOW,
        q -> ResourceList.EMPTY))
        .singleElement().extracting(c -> c.used().toString()).isEqualTo("pods=1");
    assertThat(QuotaUsage.matchesScopes(bestEffort, ResourceTypes.SERVICE, json("{}"))).isFalse();
  }

  @Test
  void theControllerCountsLivePodsAndEveryHardResource() {
    JsonObject quota = quota("q", "{\"pods\":\"10\",\"requests.memory\":\"1Gi\",\"services\":\"2\","
        + "\"secrets\":\"4\"}", "{}", "");
    List<JsonObject> pods = List.of(json(POD), json(POD), json(POD.replace("Pending", "Failed")));

    ResourceList used = QuotaUsage.used(quota,
        type -> type == ResourceTypes.POD ? pods : List.of(), NOW);

    assertThat(used.toJson().toString()).isEqualTo(
        "{\"pods\":\"2\",\"requests.memory\":\"128Mi\",\"secrets\":\"0\",\"services\":\"0\"}");
  }

  private static JsonObject quota(String name, String hard, String used, String scopes) {
    return json("{\"metadata\":{\"name\":\"" + name + "\",\"uid\":\"u\",\"resourceVersion\":\"7\"},"
        + "\"spec\":{" + scopes + "\"hard\":" + hard + "},"
        + "\"status\":{\"hard\":" + hard + ",\"used\":" + used + "}}");
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
