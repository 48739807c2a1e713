package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cluster IPs and node ports as users meet them: handed out on create, kept on update, a taken
 * or out-of-range one refused naming the field, and given back when the service goes. The ranges
 * are the fork's own ({@link ForkEnvironment#serviceCidr()}, its node ports).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServicesIT {

  private static final TestServer SERVER = TestServer.SUITE;
  /** The kubernetes Service's address: the first of the fork's service range. */
  private static final String KUBERNETES_IP = ForkEnvironment.serviceIp(1);
  /** The fork's service range is a /16: its first two octets and their dots. */
  private static final String SERVICE_PREFIX = KUBERNETES_IP.substring(0,
      KUBERNETES_IP.indexOf('.', KUBERNETES_IP.indexOf('.') + 1) + 1);
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @Test
  void aServiceGetsAClusterIpFromTheServiceRangeAndKeepsItAcrossUpdates() {
    String namespace = SERVER.newNamespace();
    JsonObject created = Http.json(create(namespace, service("web", "ClusterIP", "", "")));
    String ip = created.getJsonObject("spec").getString("clusterIP");
    assertThat(ip).startsWith(SERVICE_PREFIX).isNotEqualTo(KUBERNETES_IP);
    assertThat(created.getJsonObject("spec").getJsonArray("clusterIPs").getString(0)).isEqualTo(ip);

    // a PUT without the IP (as a manifest replaced with kubectl replace) keeps it
    HttpResponse<String> replaced = Http.put(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services/web"), service("web", "ClusterIP", "", ""));
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(Http.json(replaced).getJsonObject("spec").getString("clusterIP")).isEqualTo(ip);

    HttpResponse<String> moved = Http.patch(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services/web"), "application/merge-patch+json",
        "{\"spec\":{\"clusterIP\":\"" + ForkEnvironment.serviceIp(7 * 256 + 7) + "\"}}");
    assertThat(moved.statusCode()).isEqualTo(422);
    assertThat(moved.body()).contains("spec.clusterIPs[0]").contains("may not change once set");

    assertThat(kubectl.run("get", "service", "web", "-n", namespace).out())
        .containsPattern("web\\s+ClusterIP\\s+" + ip.replace(".", "\\.") + "\\s+<none>\\s+80/TCP");
  }

  @Test
  void aTakenOrOutOfRangeClusterIpIsRefusedNamingTheField() {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> taken = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services"),
        service("taken", "ClusterIP", "\"clusterIP\":\"" + KUBERNETES_IP + "\",", ""));
    assertThat(taken.statusCode()).isEqualTo(422);
    JsonObject status = Http.json(taken);
    assertThat(status.getString("reason")).isEqualTo("Invalid");
    assertThat(status.getString("message")).isEqualTo("Service \"taken\" is invalid:"
        + " spec.clusterIPs: Invalid value: []string{\"" + KUBERNETES_IP + "\"}: failed to"
        + " allocate IP " + KUBERNETES_IP + ": provided IP is already allocated");

    HttpResponse<String> outside = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services"), service("outside", "ClusterIP", "\"clusterIP\":\"10.0.0.5\",", ""));
    assertThat(outside.statusCode()).isEqualTo(422);
    assertThat(outside.body()).contains("spec.clusterIPs")
        .contains("The range of valid IPs is " + ForkEnvironment.serviceCidr());

    String wanted = ForkEnvironment.serviceIp(200 * 256 + 9);
    JsonObject chosen = Http.json(create(namespace,
        service("chosen", "ClusterIP", "\"clusterIP\":\"" + wanted + "\",", "")));
    assertThat(chosen.getJsonObject("spec").getString("clusterIP")).isEqualTo(wanted);

    JsonObject headless = Http.json(create(namespace,
        service("headless", "ClusterIP", "\"clusterIP\":\"None\",", "")));
    assertThat(headless.getJsonObject("spec").getString("clusterIP")).isEqualTo("None");
  }

  @Test
  void nodePortsAreHandedOutOnceAndGivenBackWhenTheServiceGoes() {
    String namespace = SERVER.newNamespace();
    int taken = ForkEnvironment.firstNodePort() + 1;
    JsonObject first = Http.json(create(namespace,
        service("first", "NodePort", "", ",\"nodePort\":" + taken)));
    assertThat(port(first).getInt("nodePort")).isEqualTo(taken);

    HttpResponse<String> second = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services"), service("second", "NodePort", "", ",\"nodePort\":" + taken));
    assertThat(second.statusCode()).isEqualTo(422);
    assertThat(Http.json(second).getString("message")).isEqualTo("Service \"second\" is invalid:"
        + " spec.ports[0].nodePort: Invalid value: " + taken
        + ": provided port is already allocated");

    JsonObject any = Http.json(create(namespace, service("any", "LoadBalancer", "", "")));
    assertThat(port(any).getInt("nodePort"))
        .isBetween(ForkEnvironment.firstNodePort(), ForkEnvironment.lastNodePort())
        .isNotEqualTo(taken);
    assertThat(kubectl.run("describe", "service", "any", "-n", namespace).out())
        .containsPattern("Type:\\s+LoadBalancer")
        .containsPattern("NodePort:\\s+<unset>\\s+" + port(any).getInt("nodePort") + "/TCP")
        .containsPattern("Session Affinity:\\s+None");

    HttpResponse<String> clusterIpWithNodePort = Http.postJson(SERVER.api("/api/v1/namespaces/"
        + namespace + "/services"),
        service("wrong", "ClusterIP", "", ",\"nodePort\":" + (taken + 1)));
    assertThat(clusterIpWithNodePort.statusCode()).isEqualTo(422);
    assertThat(clusterIpWithNodePort.body()).contains("spec.ports[0].nodePort")
        .contains("may not be used when `type` is 'ClusterIP'");

    assertThat(kubectl.run("delete", "service", "first", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/services"),
            service("second", "NodePort", "", ",\"nodePort\":" + taken)).statusCode())
            .as(taken + " given back").isEqualTo(201));
  }

  @Test
  void kubectlExposeMakesAServiceForAReplicationController() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(Fixtures.read("node-js-rc.yaml"), "create", "-n", namespace,
        "-f", "-").exitCode()).isZero();

    Kubectl.Result exposed = kubectl.run("expose", "rc", "node-js", "-n", namespace,
        "--port=80", "--target-port=80", "--type=NodePort", "--name=node-js");
    assertThat(exposed.exitCode()).as(exposed.toString()).isZero();
    assertThat(exposed.out()).contains("service/node-js exposed");
    assertThat(kubectl.run("describe", "service", "node-js", "-n", namespace).out())
        .containsPattern("Selector:\\s+name=node-js")
        .containsPattern("Type:\\s+NodePort")
        .containsPattern("IP:\\s+10\\.\\d+\\.\\d+\\.\\d+")
        .containsPattern("Port:\\s+<unset>\\s+80/TCP")
        .containsPattern("TargetPort:\\s+80/TCP")
        .containsPattern("NodePort:\\s+<unset>\\s+3\\d{4}/TCP");
  }

  private static JsonObject port(JsonObject service) {
    return service.getJsonObject("spec").getJsonArray("ports").getJsonObject(0);
  }

  private static String service(String name, String type, String specExtra, String portExtra) {
    return """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s"},
         "spec":{"type":"%s",%s"selector":{"app":"%s"},
          "ports":[{"port":80,"targetPort":8080%s}]}}"""
        .formatted(name, type, specExtra, name, portExtra);
  }

  private static HttpResponse<String> create(String namespace, String json) {
    HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services"), json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created;
  }
}
