package dev.capstan.kinds.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.Conversions;
import dev.capstan.kinds.ResourceTypes;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class HorizontalPodAutoscalerV1Test {

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
  }

  @Test
  void v1sCpuTargetIsV2sCpuUtilizationMetric() {
    JsonObject v1 = json("{'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler',"
        + "'metadata':{'name':'web','namespace':'default'},'spec':{'scaleTargetRef':"
        + "{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},'minReplicas':1,"
        + "'maxReplicas':5,'targetCPUUtilizationPercentage':50}}");
    JsonObject v2 = Conversions.toStored(ResourceTypes.HORIZONTAL_POD_AUTOSCALER_V1, v1);
    assertThat(v2.getString("apiVersion")).isEqualTo("autoscaling/v2");
    assertThat(v2.getJsonObject("spec").toString()).isEqualTo(json("{'scaleTargetRef':"
        + "{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},'minReplicas':1,"
        + "'maxReplicas':5,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':"
        + "{'type':'Utilization','averageUtilization':50}}}]}").toString());
    assertThat(v2.getJsonObject("metadata").containsKey("annotations")).isFalse();
    JsonObject back = Conversions.toServed(ResourceTypes.HORIZONTAL_POD_AUTOSCALER_V1, v2);
    assertThat(back.getJsonObject("spec")).isEqualTo(v1.getJsonObject("spec"));
    assertThat(back.getJsonObject("status").toString())
        .isEqualTo("{\"currentReplicas\":0,\"desiredReplicas\":0}");
  }

  @Test
  void whatV1CannotSayTravelsInAnnotationsAndComesBack() {
    JsonObject v2 = json("{'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler',"
        + "'metadata':{'name':'web','namespace':'default'},'spec':{'scaleTargetRef':"
        + "{'kind':'Deployment','name':'web'},'maxReplicas':5,'metrics':["
        + "{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization',"
        + "'averageUtilization':50}}},{'type':'Resource','resource':{'name':'memory','target':"
        + "{'type':'AverageValue','averageValue':'100Mi'}}}],'behavior':{'scaleDown':"
        + "{'stabilizationWindowSeconds':10}}},'status':{'currentReplicas':2,"
        + "'desiredReplicas':3,'currentMetrics':[{'type':'Resource','resource':{'name':'cpu',"
        + "'current':{'averageValue':'75m','averageUtilization':75}}}],'conditions':[{'type':"
        + "'AbleToScale','status':'True','reason':'SucceededRescale','message':'m'}]}}");
    JsonObject v1 = Conversions.toServed(ResourceTypes.HORIZONTAL_POD_AUTOSCALER_V1, v2);
    assertThat(v1.getJsonObject("spec").getInt("targetCPUUtilizationPercentage")).isEqualTo(50);
    assertThat(v1.getJsonObject("status").getInt("currentCPUUtilizationPercentage"))
        .isEqualTo(75);
    assertThat(v1.getJsonObject("metadata").getJsonObject("annotations").keySet())
        .containsExactlyInAnyOrder(HorizontalPodAutoscalerV1.METRICS,
            HorizontalPodAutoscalerV1.BEHAVIOR, HorizontalPodAutoscalerV1.CURRENT_METRICS,
            HorizontalPodAutoscalerV1.CONDITIONS);
    JsonObject again = Conversions.toStored(ResourceTypes.HORIZONTAL_POD_AUTOSCALER_V1, v1);
    assertThat(again.getJsonObject("spec")).isEqualTo(v2.getJsonObject("spec"));
    assertThat(again.getJsonObject("status")).isEqualTo(v2.getJsonObject("status"));
    assertThat(again.getJsonObject("metadata")).isEqualTo(v2.getJsonObject("metadata"));
  }
}
