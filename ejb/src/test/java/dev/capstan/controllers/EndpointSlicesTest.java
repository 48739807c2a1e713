package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * EndpointSlices shaped as Kubernetes' EndpointSlice controller writes them: clients such as
 * {@code kubectl describe service} (1.31+) dereference the pointer fields it always sets.
 */
class EndpointSlicesTest {

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  private static JsonObject pod(String name, String ip, boolean ready, String extra) {
    return json("""
        {"metadata":{"name":"%s","namespace":"web","uid":"uid-%s"%s},
         "spec":{"nodeName":"node-a","containers":[{"name":"main",
           "ports":[{"name":"http","containerPort":8080}]}]},
         "status":{"phase":"Running","podIP":"%s",
           "conditions":[{"type":"Ready","status":"%s"}]}}"""
        .formatted(name, name, extra, ip, ready ? "True" : "False"));
  }

  private static JsonObject service(String specExtra, String ports) {
    return json("""
        {"metadata":{"name":"web","namespace":"web"},
         "spec":{"selector":{"app":"web"}%s,"ports":%s}}""".formatted(specExtra, ports));
  }

  private static JsonObject only(Map<String, JsonObject> slices) {
    assertThat(slices).hasSize(1);
    return slices.values().iterator().next();
  }

  @Test
  void anUnnamedPortHasAnEmptyNameAsKubernetesWritesIt() {
    JsonObject slice = only(EndpointSlices.of(service("", "[{\"port\":80,\"targetPort\":8080}]"),
        List.of(pod("a", "10.244.0.2", true, ""))));

    assertThat(slice.getJsonArray("ports")).containsExactly(
        json("{\"name\":\"\",\"port\":8080,\"protocol\":\"TCP\"}"));
  }

  @Test
  void everyEndpointHasItsThreeConditionsNodeNameAndTargetRef() {
    JsonObject slice = only(EndpointSlices.of(service("", "[{\"name\":\"http\",\"port\":80,"
        + "\"targetPort\":\"http\",\"appProtocol\":\"http\"}]"),
        List.of(pod("a", "10.244.0.2", true, ""))));

    assertThat(slice.getString("addressType")).isEqualTo("IPv4");
    assertThat(slice.getJsonArray("ports")).containsExactly(json(
        "{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\",\"appProtocol\":\"http\"}"));
    assertThat(slice.getJsonArray("endpoints")).containsExactly(json("""
        {"addresses":["10.244.0.2"],
         "conditions":{"ready":true,"serving":true,"terminating":false},
         "nodeName":"node-a",
         "targetRef":{"kind":"Pod","namespace":"web","name":"a","uid":"uid-a"}}"""));
  }

  @ParameterizedTest(name = "ready pod {0}, deleting {1}, publishNotReady {2}: ready {3}, serving {4}")
  @CsvSource({
      "true,  false, false, true,  true",
      "false, false, false, false, false",
      "true,  true,  false, false, true",
      "false, true,  false, false, false",
      "false, false, true,  true,  false",
      "true,  true,  true,  true,  true"})
  void conditionsFollowTheEndpointSliceController(boolean podReady, boolean deleting,
      boolean publishNotReady, boolean ready, boolean serving) {
    JsonObject slice = only(EndpointSlices.of(
        service(publishNotReady ? ",\"publishNotReadyAddresses\":true" : "",
            "[{\"port\":80,\"targetPort\":8080}]"),
        List.of(pod("a", "10.244.0.2", podReady,
            deleting ? ",\"deletionTimestamp\":\"2026-12-06T04:00:00Z\"" : ""))));

    JsonObject conditions = slice.getJsonArray("endpoints").getJsonObject(0)
        .getJsonObject("conditions");
    assertThat(conditions).isEqualTo(json("{\"ready\":%s,\"serving\":%s,\"terminating\":%s}"
        .formatted(ready, serving, deleting)));
  }

  @Test
  void aPodWithNoneOfTheServicesPortsIsAnEndpointOfASliceWithoutPorts() {
    JsonObject slice = only(EndpointSlices.of(
        service("", "[{\"name\":\"admin\",\"port\":81,\"targetPort\":\"admin\"}]"),
        List.of(pod("a", "10.244.0.2", true, ""))));

    assertThat(slice.getJsonArray("ports")).isEmpty();
    assertThat(slice.getJsonArray("endpoints")).hasSize(1);
  }

  @Test
  void aServiceWithoutPodsKeepsOneEmptySlice() {
    JsonObject slice = only(EndpointSlices.of(service("", "[{\"port\":80}]"), List.of()));

    assertThat(slice.getJsonArray("endpoints")).isEmpty();
    assertThat(slice.getJsonArray("ports")).isEmpty();
  }

  @Test
  void handWrittenEndpointsAreMirroredOneSlicePerSubset() {
    Map<String, JsonObject> slices = EndpointSlices.mirroring("db", Json.createReader(
        new StringReader("""
            [{"addresses":[{"ip":"192.168.1.10","hostname":"db-0","nodeName":"n1"}],
              "notReadyAddresses":[{"ip":"192.168.1.11"}],
              "ports":[{"port":5432}]},
             {"addresses":[{"ip":"192.168.1.12"}],
              "ports":[{"name":"admin","port":8080,"protocol":"TCP"}]}]""")).readArray());

    assertThat(slices).hasSize(2);
    assertThat(slices.values()).contains(json("""
        {"addressType":"IPv4",
         "endpoints":[
           {"addresses":["192.168.1.10"],"conditions":{"ready":true},"hostname":"db-0",
            "nodeName":"n1"},
           {"addresses":["192.168.1.11"],"conditions":{"ready":false}}],
         "ports":[{"name":"","port":5432,"protocol":"TCP"}]}"""));
    assertThat(slices.keySet()).allMatch(name -> name.startsWith("db-"));
  }
}
