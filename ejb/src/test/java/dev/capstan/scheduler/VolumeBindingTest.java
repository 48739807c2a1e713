package dev.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VolumeBindingTest {

  private static final JsonObject POD = parse("""
      {"metadata":{"name":"db","namespace":"ns"},
       "spec":{"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}}]}}""");
  private static final JsonObject NODE_A = parse("{\"metadata\":{\"name\":\"a\","
      + "\"labels\":{\"kubernetes.io/hostname\":\"a\"}}}");
  private static final JsonObject NODE_B = parse("{\"metadata\":{\"name\":\"b\","
      + "\"labels\":{\"kubernetes.io/hostname\":\"b\"}}}");
  private static final JsonObject LOCAL_ON_A = parse("""
      {"metadata":{"name":"local-a"},
       "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],
        "storageClassName":"local","local":{"path":"/mnt/a"},
        "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[
          {"key":"kubernetes.io/hostname","operator":"In","values":["a"]}]}]}}}}""");
  private static final JsonObject WAIT_CLASS = parse("""
      {"metadata":{"name":"local"},"provisioner":"kubernetes.io/no-provisioner",
       "volumeBindingMode":"WaitForFirstConsumer"}""");

  @Test
  void aMissingClaimOrAnUnboundImmediateOneKeepsThePodPending() {
    assertThat(VolumeBinding.of(POD, name -> Optional.empty(), name -> Optional.empty(),
        name -> Optional.empty()).refusal()).contains("persistentvolumeclaim \"data\" not found");
    assertThat(VolumeBinding.of(POD, name -> Optional.of(claim("")), name -> Optional.empty(),
        name -> Optional.empty()).refusal())
        .contains("pod has unbound immediate PersistentVolumeClaims");
  }

  @Test
  void aBoundVolumesNodeAffinityDecidesTheNode() {
    JsonObject bound = parse(claim("local").toString().replace("\"spec\":{",
        "\"spec\":{\"volumeName\":\"local-a\","));
    VolumeBinding.Claims claims = VolumeBinding.of(POD, name -> Optional.of(bound),
        name -> Optional.of(LOCAL_ON_A), name -> Optional.of(WAIT_CLASS));

    assertThat(VolumeBinding.filter(claims, NODE_A, List.of())).isEmpty();
    assertThat(VolumeBinding.filter(claims, NODE_B, List.of()))
        .contains("node(s) had volume node affinity conflict");
  }

  @Test
  void aClaimWaitingForItsConsumerGoesWhereAVolumeFitsOrItsClassProvisions() {
    VolumeBinding.Claims claims = VolumeBinding.of(POD, name -> Optional.of(claim("local")),
        name -> Optional.empty(), name -> Optional.of(WAIT_CLASS));

    assertThat(VolumeBinding.filter(claims, NODE_A, List.of(LOCAL_ON_A))).isEmpty();
    assertThat(VolumeBinding.filter(claims, NODE_B, List.of(LOCAL_ON_A)))
        .contains("node(s) didn't find available persistent volumes to bind");
    assertThat(VolumeBinding.toBind(claims, NODE_A, List.of(LOCAL_ON_A)))
        .singleElement().satisfies(binding -> assertThat(binding.volume()).contains(LOCAL_ON_A));

    JsonObject provisioning = parse(WAIT_CLASS.toString()
        .replace("kubernetes.io/no-provisioner", "capstan.dev/local-path"));
    VolumeBinding.Claims dynamic = VolumeBinding.of(POD, name -> Optional.of(claim("local")),
        name -> Optional.empty(), name -> Optional.of(provisioning));
    assertThat(VolumeBinding.filter(dynamic, NODE_B, List.of())).isEmpty();
    assertThat(VolumeBinding.toBind(dynamic, NODE_B, List.of())).singleElement()
        .satisfies(binding -> assertThat(binding.volume()).isEmpty());
  }

  private static JsonObject claim(String className) {
    return parse("""
        {"metadata":{"name":"data","namespace":"ns","uid":"c-1"},
         "spec":{%s"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"""
        .formatted(className.isEmpty() ? "" : "\"storageClassName\":\"" + className + "\","));
  }

  private static JsonObject parse(String json) {
    return Json.createReader(new StringReader(json)).readObject();
  }
}
