package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Pattern;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real kubectl against the deployed EAR, with the manifests of shared/REFERENCE.md, and
 * kubectl's default (strict) validation.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class KubectlIT {

  private static final TestServer SERVER = TestServer.SUITE;

  private final Kubectl kubectl = Kubectl.against(SERVER);

  @Test
  void versionReportsTheServer() {
    Kubectl.Result result = kubectl.run("version");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Server Version: v1.32.0+capstan");
  }

  @Test
  void getNamespacesShowsTheDefaultOnesActive() {
    Kubectl.Result result = kubectl.run("get", "namespaces");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).containsPattern("NAME\\s+STATUS\\s+AGE");
    assertThat(result.out()).containsPattern("(?m)^default\\s+Active\\s+\\S+");
    assertThat(result.out()).containsPattern("(?m)^kube-system\\s+Active\\s+\\S+");
  }

  @Test
  void replicationControllerFromTheReferenceIsCreatedListedScaledAndDeletedBySelector() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result created = kubectl.withInput(Fixtures.read("node-js-rc.yaml"),
        "create", "-n", namespace, "-f", "-");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.out()).contains("replicationcontroller/node-js created");

    Kubectl.Result listed = kubectl.run("get", "rc", "-n", namespace);
    assertThat(listed.out()).containsPattern("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE");
    assertThat(listed.out()).containsPattern("(?m)^node-js\\s+3\\s+[0-3]\\s+0\\s+");

    Kubectl.Result scaled = kubectl.run("scale", "--replicas=5", "rc/node-js", "-n", namespace);
    assertThat(scaled.exitCode()).as(scaled.toString()).isZero();
    assertThat(scaled.out()).contains("replicationcontroller/node-js scaled");
    Kubectl.Result wrongCurrent = kubectl.run("scale", "--current-replicas=3", "--replicas=1",
        "rc/node-js", "-n", namespace);
    assertThat(wrongCurrent.exitCode()).as(wrongCurrent.toString()).isNotZero();
    assertThat(kubectl.run("get", "rc", "node-js", "-n", namespace, "-o",
        "jsonpath={.spec.replicas}").out()).isEqualTo("5");

    Kubectl.Result labelled = kubectl.run("label", "rc", "node-js", "deployment=demo", "-n", namespace);
    assertThat(labelled.exitCode()).as(labelled.toString()).isZero();
    assertThat(kubectl.run("get", "rc", "-l", "deployment=demo", "-n", namespace).out())
        .contains("node-js");
    assertThat(kubectl.run("get", "rc", "-l", "deployment notin (demo)", "-n", namespace).err())
        .contains("No resources found");

    Kubectl.Result deleted = kubectl.run("delete", "rc", "-l", "deployment=demo", "-n", namespace);
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.out()).contains("replicationcontroller \"node-js\" deleted");
    assertThat(kubectl.run("get", "rc", "-n", namespace).err()).contains("No resources found");
  }

  @Test
  void podsShowReadyStatusRestartsAndWideColumnsAcrossNamespaces() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(Fixtures.read("node-js-pod.yaml"), "create",
        "-n", namespace, "-f", "-").exitCode()).isZero();

    Kubectl.Result pods = kubectl.run("get", "pods", "-n", namespace);
    assertThat(pods.out()).containsPattern("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
    assertThat(pods.out()).containsPattern("(?m)^node-js-pod\\s+0/1\\s+Pending\\s+0\\s+");

    Kubectl.Result wide = kubectl.run("get", "pods", "-n", namespace, "-o", "wide");
    assertThat(wide.out()).containsPattern("IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");

    Kubectl.Result all = kubectl.run("get", "pods", "-A");
    assertThat(all.out()).containsPattern("NAMESPACE\\s+NAME\\s+READY");
    assertThat(all.out()).containsPattern("(?m)^" + namespace + "\\s+node-js-pod\\s+");
  }

  @Test
  void outputAsYamlAndJsonCarriesServerFields() {
    String namespace = SERVER.newNamespace();
    kubectl.withInput(Fixtures.read("node-js-service.yaml"), "create", "-n",
        namespace, "-f", "-");

    assertThat(kubectl.run("get", "svc", "node-js", "-n", namespace, "-o", "yaml").out())
        .contains("kind: Service", "uid: ", "resourceVersion: ", "targetPort: 80");
    assertThat(kubectl.run("get", "svc", "node-js", "-n", namespace, "-o", "json").out())
        .contains("\"sessionAffinity\": \"None\"");
  }

  @Test
  void explainWalksThePodSchema() {
    Kubectl.Result result = kubectl.run("explain", "pod.spec.containers");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("KIND:       Pod", "FIELD: containers <[]Container>");
    assertThat(result.out()).containsPattern("(?m)^\\s+image\\s+<string>");
    assertThat(result.out()).containsPattern("(?m)^\\s+ports\\s+<\\[\\]ContainerPort>");
  }

  @Test
  void apiResourcesListsTheKinds() {
    Kubectl.Result result = kubectl.run("api-resources");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).containsPattern("(?m)^pods\\s+po\\s+v1\\s+true\\s+Pod");
    assertThat(result.out()).containsPattern("(?m)^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment");
  }

  @Test
  void invalidNameIsRefusedNamingTheField() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result result = kubectl.withInput(Fixtures.read("node-js-pod.yaml",
        "metadata: {name: node-js-pod}", "metadata: {name: Node_JS}"),
        "create", "-n", namespace, "-f", "-");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("is invalid: metadata.name: Invalid value: \"Node_JS\"");
  }

  @Test
  void applyTwiceIsANoOpThenAChange() {
    String namespace = SERVER.newNamespace();
    String rc = Fixtures.read("node-js-rc.yaml");
    assertThat(kubectl.withInput(rc, "apply", "-n", namespace, "-f", "-").out())
        .contains("replicationcontroller/node-js created");
    assertThat(kubectl.withInput(rc, "apply", "-n", namespace, "-f", "-").out())
        .contains("replicationcontroller/node-js unchanged");
    Kubectl.Result changed = kubectl.withInput(rc.replace("replicas: 3", "replicas: 4"),
        "apply", "-n", namespace, "-f", "-");
    assertThat(changed.out()).as(changed.toString()).contains("replicationcontroller/node-js configured");
    assertThat(kubectl.run("get", "rc", "node-js", "-n", namespace, "-o",
        "jsonpath={.spec.replicas} {.metadata.generation}").out()).isEqualTo("4 2");
  }

  @Test
  void applyTakesAListAsKubectlGetWritesIt() {
    String namespace = SERVER.newNamespace();
    String list = """
        {"apiVersion":"v1","kind":"List","items":[
         {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"first"},"data":{"x":"1"}},
         {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"second"},"data":{"x":"2"}}]}""";

    Kubectl.Result applied = kubectl.withInput(list, "apply", "-n", namespace, "-f", "-");

    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(applied.out()).contains("configmap/first created", "configmap/second created");
    Kubectl.Result bad = kubectl.withInput(list.replace("\"data\":{\"x\":\"2\"}",
        "\"dta\":{\"x\":\"2\"}"), "apply", "-n", namespace, "-f", "-");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("dta");
  }

  @Test
  void annotateEditAndDescribeAsInTheWalkthroughs() throws Exception {
    String namespace = SERVER.newNamespace();
    kubectl.withInput(Fixtures.read("node-js-rc.yaml"), "create", "-n", namespace, "-f", "-");

    Kubectl.Result annotated = kubectl.run("annotate", "rc", "node-js", "owner=team-a", "-n", namespace);
    assertThat(annotated.out()).as(annotated.toString()).contains("replicationcontroller/node-js annotated");

    // kubectl edit, with an "editor" that changes the replica count in the file it is given
    Path editor = Files.createTempFile("kube-editor", ".sh");
    Files.writeString(editor, "#!/bin/sh\nsed -i 's/replicas: 3/replicas: 2/' \"$1\"\n");
    editor.toFile().setExecutable(true);
    Kubectl.Result edited = kubectl.withEnvironment("KUBE_EDITOR", editor.toString(),
        "edit", "rc/node-js", "-n", namespace);
    assertThat(edited.out()).as(edited.toString()).contains("replicationcontroller/node-js edited");

    // no node takes the suite's pods, so the controller's two stay Pending ("Waiting")
    await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "rc/node-js", "-n", namespace).out()).contains(
            "Name:         node-js", "Selector:     name=node-js", "owner: team-a",
            "Replicas:     2 current / 2 desired",
            "Pods Status:  0 Running / 2 Waiting / 0 Succeeded / 0 Failed"));
  }

  @Test
  void staleReplaceIsAConflict() {
    String namespace = SERVER.newNamespace();
    kubectl.withInput(Fixtures.read("node-js-rc.yaml"), "create", "-n", namespace, "-f", "-");
    String stale = kubectl.run("get", "rc", "node-js", "-n", namespace, "-o", "yaml").out();
    kubectl.run("scale", "--replicas=5", "rc/node-js", "-n", namespace);

    Kubectl.Result replaced = kubectl.withInput(stale, "replace", "-n", namespace, "-f", "-");

    assertThat(replaced.exitCode()).isNotZero();
    assertThat(replaced.err()).contains("Conflict", "the object has been modified");
  }

  @Test
  void unknownFieldIsRefusedByStrictValidation() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result result = kubectl.withInput(Fixtures.read("node-js-pod.yaml")
        .replace("ports:", "portz:"), "create", "-n", namespace, "-f", "-");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("strict decoding error: unknown field \"spec.containers[0].portz\"");
    assertThat(kubectl.run("get", "pods", "-n", namespace).err()).contains("No resources found");
  }

  @Test
  void theBooksTyposAreRefusedWithTheFieldNamed() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result service = kubectl.withInput(Fixtures.read("node-js-service.yaml", "LoadBalancer",
        "nodeport"), "create", "-n", namespace, "-f", "-");
    assertThat(service.exitCode()).isNotZero();
    assertThat(service.err()).contains("spec.type: Unsupported value: \"nodeport\"");

    Kubectl.Result rc = kubectl.withInput(Fixtures.read("node-js-rc.yaml", "selector: {name: node-js}",
        "selector: {name: nodejs}"), "create", "-n", namespace, "-f", "-");
    assertThat(rc.exitCode()).isNotZero();
    assertThat(rc.err()).contains("spec.template.metadata.labels: Invalid value",
        "`selector` does not match template `labels`");
    assertThat(kubectl.run("get", "svc,rc", "-n", namespace).err()).contains("No resources found");
  }

  @Test
  void componentStatusesShowTheDatabaseHealthyAndWhatDoesNotRunYet() {
    Kubectl.Result result = kubectl.run("get", "componentstatuses");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).containsPattern("NAME\\s+STATUS\\s+MESSAGE\\s+ERROR");
    assertThat(result.out()).containsPattern("(?m)^etcd-0\\s+Healthy\\s+\\{\"health\":\"true\"");
    assertThat(result.out()).containsPattern("(?m)^scheduler\\s+Healthy\\s+ok");
    assertThat(result.out()).containsPattern("(?m)^controller-manager\\s+Healthy\\s+ok");
  }

  @Test
  void typedCreateCommandsSendProtobufAndAreStoredAsTheyWouldBeInKubernetes() {
    String namespace = NamespaceApiIT.uniqueName();

    Kubectl.Result createdNamespace = kubectl.run("create", "namespace", namespace);
    assertThat(createdNamespace.exitCode()).as(createdNamespace.toString()).isZero();
    assertThat(createdNamespace.out()).contains("namespace/" + namespace + " created");
    assertThat(kubectl.run("get", "namespace", namespace).out())
        .containsPattern("(?m)^" + namespace + "\\s+Active");

    assertThat(kubectl.run("create", "configmap", "settings", "--from-literal=mode=fast",
        "-n", namespace).exitCode()).isZero();
    assertThat(kubectl.run("get", "configmap", "settings", "-n", namespace, "-o",
        "jsonpath={.data.mode}").out()).isEqualTo("fast");

    assertThat(kubectl.run("create", "secret", "generic", "creds", "--from-literal=password=s3cret",
        "-n", namespace).exitCode()).isZero();
    assertThat(kubectl.run("get", "secret", "creds", "-n", namespace, "-o",
        "jsonpath={.data.password}").out()).isEqualTo("czNjcmV0");

    Kubectl.Result deployment = kubectl.run("create", "deployment", "web", "--image=nginx:1.27",
        "--replicas=0", "--port=80", "-n", namespace);
    assertThat(deployment.exitCode()).as(deployment.toString()).isZero();
    assertThat(kubectl.run("get", "deployment", "web", "-n", namespace, "-o",
        "jsonpath={.spec.replicas} {.spec.strategy.type} {.spec.template.spec.containers[0].ports[0].containerPort}")
        .out()).as("replicas: 0 is kept, not defaulted to 1").isEqualTo("0 RollingUpdate 80");

    Kubectl.Result service = kubectl.run("create", "service", "nodeport", "web",
        "--tcp=80:8080", "-n", namespace);
    assertThat(service.exitCode()).as(service.toString()).isZero();
    assertThat(kubectl.run("get", "service", "web", "-n", namespace, "-o",
        "jsonpath={.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}").out())
        .isEqualTo("NodePort 80 8080");

    Kubectl.Result invalid = kubectl.run("create", "configmap", "Not_Valid", "-n", namespace);
    assertThat(invalid.exitCode()).isNotZero();
    assertThat(invalid.err()).contains("metadata.name").contains("Invalid value");
  }

  @Test
  void theKubernetesServiceFrontsTheApiServer() {
    Kubectl.Result service = kubectl.run("get", "service", "kubernetes", "-n", "default");
    assertThat(service.exitCode()).as(service.toString()).isZero();
    // the first address of the fork's service range (10.96.0.1 with the default range)
    assertThat(service.out()).containsPattern("(?m)^kubernetes\\s+ClusterIP\\s+"
        + java.util.regex.Pattern.quote(ForkEnvironment.serviceIp(1)) + "\\s+<none>\\s+443/TCP");

    String apiServer = "127.0.0.1:" + SERVER.secureApi().getPort();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "kubernetes", "-n", "default").out())
            .containsPattern("(?m)^kubernetes\\s+" + Pattern.quote(apiServer)));
  }
}
