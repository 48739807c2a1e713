package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cluster state lives in PostgreSQL, not in the server: it survives a full server restart. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestartIT {

  private static final String CONTAINER = "capstan-restart";
  private static final String DEPLOYMENT = "capstan-restart";
  private static final TestServer SERVER = TestServer.RESTART;

  @ArquillianResource
  private ContainerController containers;

  @ArquillianResource
  private Deployer deployer;

  @Deployment(name = DEPLOYMENT, managed = false, testable = false)
  @TargetsContainer(CONTAINER)
  static EnterpriseArchive capstan() {
    return TestServer.capstanEar();
  }

  @Test
  void namespaceWrittenBeforeARestartIsReadBackAfterIt() {
    TestServer.runDeployed(containers, deployer, CONTAINER, DEPLOYMENT, () -> {
      String name = NamespaceApiIT.uniqueName();
      HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/namespaces"),
          Http.namespace(name));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonObject before = Http.json(created).getJsonObject("metadata");

      containers.stop(CONTAINER);
      containers.start(CONTAINER);

      HttpResponse<String> read = Http.get(SERVER.api("/api/v1/namespaces/" + name));
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      JsonObject after = Http.json(read).getJsonObject("metadata");
      assertThat(after.getString("uid")).isEqualTo(before.getString("uid"));
      assertThat(after.getString("resourceVersion")).isEqualTo(before.getString("resourceVersion"));
      assertThat(after.getString("creationTimestamp")).isEqualTo(before.getString("creationTimestamp"));
    });
  }
}
