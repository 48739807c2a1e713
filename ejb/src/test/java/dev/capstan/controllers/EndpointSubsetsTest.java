package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointSubsetsTest {

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  private static JsonObject pod(String name, String ip, boolean ready, String extra) {
    return json("""
        {"metadata":{"name":"%s","namespace":"web","uid":"uid-%s"%s},
         "spec":{"nodeName":"node-a","containers":[{"name":"main",
           "ports":[{"name":"http","containerPort":8080},{"name":"metrics","containerPort":9090}]}]},
         "status":{"phase":"Running","podIP":"%s",
           "conditions":[{"type":"Ready","status":"%s"}]}}"""
        .formatted(name, name, extra, ip, ready ? "True" : "False"));
  }

  private static JsonObject service(String ports) {
    return json("""
        {"metadata":{"name":"web","namespace":"web"},
         "spec":{"selector":{"app":"web"},"ports":%s}}""".formatted(ports));
  }

  @Test
  void readyPodsAreAddressesAndOthersNotReadyAddressesWithTheirTargetPort() {
    JsonArray subsets = EndpointSubsets.of(
        service("[{\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]"),
        List.of(pod("b", "172.17.0.3", true, ""), pod("a", "172.17.0.2", false, ""),
            pod("c", "172.17.0.4", true, "")));

    assertThat(subsets).hasSize(1);
    JsonObject subset = subsets.getJsonObject(0);
    assertThat(subset.getJsonArray("addresses").getValuesAs(JsonObject.class))
        .extracting(address -> address.getString("ip"))
        .containsExactly("172.17.0.3", "172.17.0.4");
    assertThat(subset.getJsonArray("notReadyAddresses").getJsonObject(0).getJsonObject("targetRef"))
        .isEqualTo(json("{\"kind\":\"Pod\",\"namespace\":\"web\",\"name\":\"a\",\"uid\":\"uid-a\"}"));
    assertThat(subset.getJsonArray("addresses").getJsonObject(0).getString("nodeName"))
        .isEqualTo("node-a");
    assertThat(subset.getJsonArray("ports")).containsExactly(
        json("{\"port\":8080,\"protocol\":\"TCP\"}"));
  }

  @Test
  void podsWithoutAnIpFinishedOrBeingDeletedAreLeftOut() {
    JsonObject noIp = pod("a", "", true, "");
    JsonObject finished = json(pod("b", "172.17.0.3", true, "").toString()
        .replace("\"Running\"", "\"Succeeded\""));
    JsonObject deleting = pod("c", "172.17.0.4", true,
        ",\"deletionTimestamp\":\"2026-11-30T10:00:00Z\"");

    assertThat(EndpointSubsets.of(service("[{\"port\":80}]"), List.of(noIp, finished, deleting)))
        .isEmpty();
  }

  @Test
  void publishNotReadyAddressesListsEveryPodAsAnAddress() {
    JsonObject service = json("""
        {"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},
         "publishNotReadyAddresses":true,"ports":[{"port":80}]}}""");

    JsonArray subsets = EndpointSubsets.of(service, List.of(pod("a", "172.17.0.2", false, "")));

    assertThat(subsets.getJsonObject(0).getJsonArray("addresses")).hasSize(1);
    assertThat(subsets.getJsonObject(0).containsKey("notReadyAddresses")).isFalse();
  }

  @Test
  void namedPortsAreResolvedPerPodAndPodsWithDifferentPortsGetTheirOwnSubset() {
    JsonObject other = json(pod("b", "172.17.0.3", true, "").toString()
        .replace("8080", "8181"));

    JsonArray subsets = EndpointSubsets.of(service("""
            [{"name":"http","port":80,"targetPort":"http","protocol":"TCP"},
             {"name":"metrics","port":9100,"targetPort":"metrics","protocol":"TCP"}]"""),
        List.of(pod("a", "172.17.0.2", true, ""), other));

    assertThat(subsets).hasSize(2);
    assertThat(subsets.getValuesAs(JsonObject.class))
        .extracting(subset -> subset.getJsonArray("ports").toString())
        .containsExactlyInAnyOrder(
            "[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"},"
                + "{\"name\":\"metrics\",\"port\":9090,\"protocol\":\"TCP\"}]",
            "[{\"name\":\"http\",\"port\":8181,\"protocol\":\"TCP\"},"
                + "{\"name\":\"metrics\",\"port\":9090,\"protocol\":\"TCP\"}]");
  }

  @Test
  void theSamePodsInAnotherOrderGiveTheSameSubsets() {
    JsonObject service = service("[{\"port\":80,\"targetPort\":8080}]");
    List<JsonObject> pods = List.of(pod("a", "172.17.0.2", true, ""),
        pod("b", "172.17.0.3", false, ""), pod("c", "172.17.0.4", true, ""));

    assertThat(EndpointSubsets.of(service, pods))
        .isEqualTo(EndpointSubsets.of(service, List.of(pods.get(2), pods.get(0), pods.get(1))));
  }

  @Test
  void aHeadlessServiceWithoutPortsListsAddressesOnly() {
    JsonArray subsets = EndpointSubsets.of(json("""
            {"metadata":{"name":"web"},"spec":{"clusterIP":"None","selector":{"app":"web"}}}"""),
        List.of(pod("a", "172.17.0.2", true, "")));

    assertThat(subsets.getJsonObject(0).containsKey("ports")).isFalse();
    assertThat(subsets.getJsonObject(0).getJsonArray("addresses")).hasSize(1);
  }

  @ParameterizedTest(name = "targetPort {0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "8080|8080",
      "'\"http\"'|8080",
      "'\"9090\"'|9090",
      "'\"nope\"'|-1"})
  void targetPortsResolve(String targetPort, int expected) {
    Optional<Integer> port = EndpointSubsets.targetPort(pod("a", "172.17.0.2", true, ""),
        json("{\"port\":80,\"targetPort\":" + targetPort + "}"));

    assertThat(port.orElse(-1)).isEqualTo(expected);
  }
}
