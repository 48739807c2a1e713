package dev.capstan.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import dev.capstan.api.status.ApiException;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProtobufBodiesTest {

  @Test
  void aNamespaceAsKubectlCreateNamespaceSendsIt() {
    // Go writes every non-pointer field, so the empty spec, status and strings are on the wire.
    V1.Namespace namespace = V1.Namespace.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("prod").setGenerateName("")
            .setCreationTimestamp(Time.newBuilder()))
        .setSpec(V1.NamespaceSpec.newBuilder())
        .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
        .build();

    JsonObject json = ProtobufBodies.decode(envelope("v1", "Namespace", namespace));

    assertThat(json.toString()).isEqualTo(
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"prod\"},"
            + "\"spec\":{},\"status\":{}}");
  }

  @Test
  void aTokenRequestAsKubectlCreateTokenSendsIt() {
    io.kubernetes.client.proto.V1Authentication.TokenRequest request =
        io.kubernetes.client.proto.V1Authentication.TokenRequest.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setCreationTimestamp(Time.newBuilder()))
            .setSpec(io.kubernetes.client.proto.V1Authentication.TokenRequestSpec.newBuilder()
                .addAudiences("vault").setExpirationSeconds(7200)
                .setBoundObjectRef(io.kubernetes.client.proto.V1Authentication
                    .BoundObjectReference.newBuilder().setKind("Pod").setApiVersion("v1")
                    .setName("web-0")))
            .build();

    JsonObject json = ProtobufBodies.decode(envelope("authentication.k8s.io/v1", "TokenRequest",
        request));

    JsonObject spec = json.getJsonObject("spec");
    assertThat(spec.getJsonArray("audiences").getString(0)).isEqualTo("vault");
    assertThat(spec.getJsonNumber("expirationSeconds").longValue()).isEqualTo(7200);
    assertThat(spec.getJsonObject("boundObjectRef").getString("name")).isEqualTo("web-0");
    assertThat(spec.getJsonObject("boundObjectRef").getString("kind")).isEqualTo("Pod");
  }

  @Test
  void aDeploymentKeepsMeaningfulZerosAndConvertsQuantitiesPortsAndTimes() {
    V1.Container container = V1.Container.newBuilder()
        .setName("web").setImage("nginx:1.27").setStdin(false)
        .addPorts(V1.ContainerPort.newBuilder().setContainerPort(80).setHostPort(0)
            .setProtocol("TCP"))
        .setResources(V1.ResourceRequirements.newBuilder()
            .putRequests("cpu", Quantity.newBuilder().setString("250m").build()))
        .setReadinessProbe(V1.Probe.newBuilder().setHandler(V1.ProbeHandler.newBuilder()
            .setHttpGet(V1.HTTPGetAction.newBuilder().setPath("/")
                .setPort(IntOrString.newBuilder().setType(1).setStrVal("http")))))
        .build();
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("web")
            .setCreationTimestamp(Time.newBuilder().setSeconds(1_700_000_000L)))
        .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0).setPaused(false)
            .setTemplate(V1.PodTemplateSpec.newBuilder()
                .setSpec(V1.PodSpec.newBuilder().addContainers(container)
                    .addVolumes(V1.Volume.newBuilder().setName("scratch")
                        .setVolumeSource(V1.VolumeSource.newBuilder()
                            .setEmptyDir(V1.EmptyDirVolumeSource.newBuilder()))))))
        .build();

    JsonObject json = ProtobufBodies.decode(envelope("apps/v1", "Deployment", deployment));

    assertThat(json.getString("apiVersion")).isEqualTo("apps/v1");
    assertThat(json.getJsonObject("metadata").getString("creationTimestamp"))
        .isEqualTo("2023-11-14T22:13:20Z");
    JsonObject spec = json.getJsonObject("spec");
    assertThat(spec.getInt("replicas")).isZero();
    assertThat(spec.containsKey("paused")).isFalse();
    JsonObject podSpec = spec.getJsonObject("template").getJsonObject("spec");
    JsonObject web = podSpec.getJsonArray("containers").getJsonObject(0);
    assertThat(web.containsKey("stdin")).isFalse();
    assertThat(web.getJsonArray("ports").getJsonObject(0).toString())
        .isEqualTo("{\"containerPort\":80,\"protocol\":\"TCP\"}");
    assertThat(web.getJsonObject("resources").getJsonObject("requests").getString("cpu"))
        .isEqualTo("250m");
    assertThat(web.getJsonObject("readinessProbe").getJsonObject("httpGet").getString("port"))
        .isEqualTo("http");
    assertThat(podSpec.getJsonArray("volumes").getJsonObject(0).getJsonObject("emptyDir"))
        .isEmpty();
  }

  @Test
  void secretBytesBecomeBase64AndIntPortsStayNumbers() {
    V1.Secret secret = V1.Secret.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("creds"))
        .putData("password", ByteString.copyFromUtf8("s3cret"))
        .setType("Opaque")
        .build();
    V1.ServicePort port = V1.ServicePort.newBuilder().setPort(80)
        .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080)).build();

    JsonObject json = ProtobufBodies.decode(envelope("v1", "Secret", secret));
    JsonObject service = ProtobufBodies.decode(envelope("v1", "Service", V1.Service.newBuilder()
        .setSpec(V1.ServiceSpec.newBuilder().addPorts(port)).build()));

    assertThat(json.getJsonObject("data").getString("password")).isEqualTo("czNjcmV0");
    assertThat(service.getJsonObject("spec").getJsonArray("ports").getJsonObject(0)
        .getInt("targetPort")).isEqualTo(8080);
  }

  @Test
  void aBodyWithoutTheKubernetesPrefixIsABadRequest() {
    assertThatThrownBy(() -> ProtobufBodies.decode("{\"kind\":\"Pod\"}".getBytes()))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.getMessage()).contains("k8s"));
  }

  @Test
  void fieldsNewerThanTheKnownTypesAreRefusedNotDropped() {
    V1.Namespace namespace = V1.Namespace.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("prod"))
        .setSpec(V1.NamespaceSpec.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()))
        .build();

    assertThatThrownBy(() -> ProtobufBodies.decode(envelope("v1", "Namespace", namespace)))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.getMessage()).contains("Namespace.spec").contains("99"));
  }

  @Test
  void kindsWithoutAProtobufDefinitionAreUnsupportedMediaType() {
    assertThatThrownBy(() -> ProtobufBodies.decode(envelope("coordination.k8s.io/v1", "Lease",
        V1.Namespace.getDefaultInstance())))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.status().getInt("code")).isEqualTo(415));
  }

  @Test
  void durationsPrintAsGoDoes() {
    assertThat(ProtobufJson.goDuration(0)).isEqualTo("0s");
    assertThat(ProtobufJson.goDuration(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(ProtobufJson.goDuration(3_723_000_000_000L)).isEqualTo("1h2m3s");
    assertThat(ProtobufJson.goDuration(2_000_000L)).isEqualTo("2ms");
    assertThat(ProtobufJson.goDuration(90_000_000_000L)).isEqualTo("1m30s");
  }

  private static byte[] envelope(String apiVersion, String kind, MessageLite object) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'k', '8', 's', 0});
    try {
      Unknown.newBuilder()
          .setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
          .setRaw(object.toByteString())
          .build().writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
