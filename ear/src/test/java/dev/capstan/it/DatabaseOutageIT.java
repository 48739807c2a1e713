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

/**
 * A control plane whose database refuses connections still deploys, says what is wrong on its
 * health endpoints, and answers API calls with 503 rather than 500.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DatabaseOutageIT {

  private static final String CONTAINER = "capstan-nodb";
  private static final String DEPLOYMENT = "capstan-nodb";
  private static final TestServer SERVER = TestServer.NO_DATABASE;

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
  void unreachableDatabaseIsNamedByReadinessAndApiAnswers503() {
    TestServer.runDeployed(containers, deployer, CONTAINER, DEPLOYMENT, () -> {
      HttpResponse<String> ready = Http.get(SERVER.api("/readyz"));
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("[-]database failed:", "[+]messaging ok",
          "readyz check failed");

      HttpResponse<String> live = Http.get(SERVER.api("/livez"));
      assertThat(live.statusCode()).as("liveness ignores the database").isEqualTo(200);

      HttpResponse<String> create = Http.postJson(SERVER.api("/api/v1/namespaces"),
          Http.namespace(NamespaceApiIT.uniqueName()));
      assertThat(create.statusCode()).as(create.body()).isEqualTo(503);
      JsonObject status = Http.json(create);
      assertThat(status.getString("kind")).isEqualTo("Status");
      assertThat(status.getString("reason")).isEqualTo("ServiceUnavailable");
    });
  }
}
