package dev.capstan.validation.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both served versions of HorizontalPodAutoscaler decode and publish with their own schema. */
class AutoscalerSchemaTest {

  private static final Class<?> V1 =
      ModelClasses.of("autoscaling", "v1", "HorizontalPodAutoscaler").orElseThrow();
  private static final Class<?> V2 =
      ModelClasses.of("autoscaling", "v2", "HorizontalPodAutoscaler").orElseThrow();

  @Test
  void eachVersionKnowsOnlyItsOwnFields() {
    JsonObject v1 = json("{'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler',"
        + "'metadata':{'name':'web'},'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web'},"
        + "'maxReplicas':5,'targetCPUUtilizationPercentage':50}}");
    assertThat(UnknownFields.of(v1, V1)).isEmpty();
    assertThat(UnknownFields.of(v1, V2)).containsExactly("spec.targetCPUUtilizationPercentage");
    assertThat(TypedFields.mismatch(v1, V1)).isEmpty();
    JsonObject v2 = json("{'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web'},"
        + "'maxReplicas':5,'metrics':[{'type':'Resource','resource':{'name':'memory','target':"
        + "{'type':'AverageValue','averageValue':'100Mi'}}}],'behavior':{'scaleDown':"
        + "{'stabilizationWindowSeconds':15}}}}");
    assertThat(UnknownFields.of(v2, V2)).isEmpty();
    assertThat(TypedFields.mismatch(v2, V2)).isEmpty();
  }

  @Test
  void bothVersionsHaveOpenApiSchemas() {
    var schemas = OpenApiSchemas.of(List.of(V1, V2));
    assertThat(schemas).containsKeys(OpenApiSchemas.nameOf(V1), OpenApiSchemas.nameOf(V2));
    assertThat(OpenApiSchemas.nameOf(V1)).isNotEqualTo(OpenApiSchemas.nameOf(V2));
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
  }
}
