package dev.capstan.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conditions, events and errors of the metrics step, in Kubernetes' words. */
class MetricsReplicasTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final List<JsonValue> CPU_50 = List.of(json("{'type':'Resource','resource':"
      + "{'name':'cpu','target':{'type':'Utilization','averageUtilization':50}}}"));

  @Test
  void noMetricsYetIsFailedGetResourceMetricAndNoReplicaCount() {
    AutoscalerConditions conditions = new AutoscalerConditions(JsonValue.EMPTY_JSON_OBJECT, NOW);
    List<String> events = new ArrayList<>();
    MetricsReplicas.Result result = MetricsReplicas.compute(CPU_50, 1, List.of(pod()),
        List::of, NOW, conditions, (reason, message) -> events.add(reason + ": " + message));
    assertThat(result.replicas()).isEqualTo(-1);
    assertThat(result.statuses().toString()).isEqualTo("[{\"type\":\"\"}]");
    assertThat(events).containsExactly("FailedGetResourceMetric: failed to get cpu utilization:"
        + " unable to get metrics for resource cpu: no metrics returned from resource metrics"
        + " API");
    assertThat(result.error()).contains("invalid metrics (1 invalid out of 1), first error is:"
        + " failed to get cpu resource metric value: failed to get cpu utilization: unable to"
        + " get metrics for resource cpu: no metrics returned from resource metrics API");
    JsonObject condition = conditions.json().getJsonObject(0);
    assertThat(condition.getString("type")).isEqualTo("ScalingActive");
    assertThat(condition.getString("status")).isEqualTo("False");
    assertThat(condition.getString("reason")).isEqualTo("FailedGetResourceMetric");
    assertThat(condition.getString("message")).isEqualTo("the HPA was unable to compute the"
        + " replica count: failed to get cpu utilization: unable to get metrics for resource"
        + " cpu: no metrics returned from resource metrics API");
  }

  @Test
  void aValidMetricGivesItsProposalAndStatus() {
    AutoscalerConditions conditions = new AutoscalerConditions(JsonValue.EMPTY_JSON_OBJECT, NOW);
    JsonObject metrics = json("{'metadata':{'name':'p'},'timestamp':'2026-12-07T12:00:00Z',"
        + "'window':'10s','containers':[{'name':'main','usage':{'cpu':'150m',"
        + "'memory':'1Mi'}}]}");
    MetricsReplicas.Result result = MetricsReplicas.compute(CPU_50, 1, List.of(pod()),
        () -> List.of(metrics), NOW, conditions, (reason, message) -> { });
    assertThat(result.replicas()).isEqualTo(3);
    assertThat(result.metric()).isEqualTo("cpu resource utilization (percentage of request)");
    assertThat(result.statuses().toString()).isEqualTo("[{\"type\":\"Resource\",\"resource\":"
        + "{\"name\":\"cpu\",\"current\":{\"averageValue\":\"150m\",\"averageUtilization\":150}}}]");
    assertThat(conditions.json().getJsonObject(0).getString("reason"))
        .isEqualTo("ValidMetricFound");
  }

  @Test
  void aContainerResourceMetricMeasuresOneContainerAgainstItsOwnRequest() {
    // app uses 150m of its 100m, the sidecar nothing of its 400m: the pod as a whole is at 30%
    // of 500m, below a 50% target, but the app container is at 150%, so it asks for 3
    List<JsonValue> appCpu50 = List.of(json("{'type':'ContainerResource','containerResource':"
        + "{'name':'cpu','container':'app','target':{'type':'Utilization',"
        + "'averageUtilization':50}}}"));
    JsonObject pod = json("{'metadata':{'name':'p'},'spec':{'containers':["
        + "{'name':'app','resources':{'requests':{'cpu':'100m'}}},"
        + "{'name':'sidecar','resources':{'requests':{'cpu':'400m'}}}]},"
        + "'status':{'phase':'Running','startTime':'2026-12-07T11:00:00Z','conditions':"
        + "[{'type':'Ready','status':'True','lastTransitionTime':'2026-12-07T11:00:05Z'}]}}");
    JsonObject metrics = json("{'metadata':{'name':'p','namespace':'n'},"
        + "'timestamp':'2026-12-07T12:00:00Z','window':'10s','containers':["
        + "{'name':'app','usage':{'cpu':'150m','memory':'1Mi'}},"
        + "{'name':'sidecar','usage':{'cpu':'0','memory':'1Mi'}}]}");
    AutoscalerConditions conditions = new AutoscalerConditions(JsonValue.EMPTY_JSON_OBJECT, NOW);
    MetricsReplicas.Result result = MetricsReplicas.compute(appCpu50, 1, List.of(pod),
        () -> List.of(metrics), NOW, conditions, (reason, message) -> { });
    assertThat(result.replicas()).isEqualTo(3);
    assertThat(result.metric())
        .isEqualTo("cpu container resource utilization (percentage of request)");
    assertThat(result.statuses().toString()).isEqualTo("[{\"type\":\"ContainerResource\","
        + "\"containerResource\":{\"name\":\"cpu\",\"container\":\"app\",\"current\":"
        + "{\"averageValue\":\"150m\",\"averageUtilization\":150}}}]");

    // a container the pods do not have: Kubernetes' error, condition and event
    List<JsonValue> webCpu = List.of(json("{'type':'ContainerResource','containerResource':"
        + "{'name':'cpu','container':'web','target':{'type':'Utilization',"
        + "'averageUtilization':50}}}"));
    List<String> events = new ArrayList<>();
    AutoscalerConditions missing = new AutoscalerConditions(JsonValue.EMPTY_JSON_OBJECT, NOW);
    MetricsReplicas.Result none = MetricsReplicas.compute(webCpu, 1, List.of(pod),
        () -> List.of(metrics), NOW, missing, (reason, message) -> events.add(reason + ": "
            + message));
    assertThat(none.replicas()).isEqualTo(-1);
    assertThat(events).containsExactly("FailedGetContainerResourceMetric: failed to get cpu"
        + " utilization: unable to get metrics for resource cpu: failed to get container"
        + " metrics: container web not present in metrics for pod n/p");
    assertThat(none.error()).contains("invalid metrics (1 invalid out of 1), first error is:"
        + " failed to get web container metric value: failed to get cpu utilization: unable to"
        + " get metrics for resource cpu: failed to get container metrics: container web not"
        + " present in metrics for pod n/p");
    assertThat(missing.json().getJsonObject(0).getString("reason"))
        .isEqualTo("FailedGetContainerResourceMetric");
  }

  private static JsonObject pod() {
    return json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'main','resources':"
        + "{'requests':{'cpu':'100m'}}}]},'status':{'phase':'Running','startTime':"
        + "'2026-12-07T11:00:00Z','conditions':[{'type':'Ready','status':'True',"
        + "'lastTransitionTime':'2026-12-07T11:00:05Z'}]}}");
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
  }
}
