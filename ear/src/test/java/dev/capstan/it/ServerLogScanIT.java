package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What {@link ServerLogScan} counts as an unexpected exception, on entries WildFly wrote. It needs
 * no server; it is an IT because in the ear module only failsafe runs tests.
 */
class ServerLogScanIT {

  private static final String CLOSED = """
      2026-12-06 17:29:18,684 ERROR [io.undertow.request.io] (default I/O-2) UT005088: Failed to \
      execute ServletOutputStream.closeAsync() on IO thread: java.nio.channels.ClosedChannelException
      \tat io.undertow.core@2.3.23.Final//io.undertow.channels.DetachableStreamSinkChannel.writeFinal(DetachableStreamSinkChannel.java:209)
      """;

  private static final String STATUS_IN_TRANSACTION = """
      2026-12-06 17:32:11,868 ERROR [org.jboss.as.ejb3.invocation] (default task-6) WFLYEJB0034: \
      Jakarta Enterprise Beans Invocation failed on component ObjectStore for method public \
      dev.capstan.store.entity.StoredObject dev.capstan.store.ObjectStore.update(): \
      jakarta.ejb.EJBException: dev.capstan.api.status.ApiException: Namespace "x" is invalid
      \tat org.jboss.as.ejb3@39.0.1.Final//org.jboss.as.ejb3.tx.CMTTxInterceptor.invokeInOurTx(CMTTxInterceptor.java:251)
      Caused by: dev.capstan.api.status.ApiException: Namespace "x" is invalid: metadata.labels
      \tat deployment.capstan.ear.capstan-web.war//dev.capstan.api.objects.ObjectEndpoint.validate(ObjectEndpoint.java:1)
      """;

  private static final String NPE_IN_TRANSACTION = STATUS_IN_TRANSACTION
      .replace("Caused by: dev.capstan.api.status.ApiException: Namespace \"x\" is invalid:"
          + " metadata.labels", "Caused by: java.lang.NullPointerException: boom");

  private static final String DEFECT = """
      2026-12-06 18:00:00,000 SEVERE [dev.capstan.defect] (default task-1) CAPSTAN-DEFECT \
      incident 1 answering GET /api/v1/x: java.lang.IllegalStateException: broken
      \tat dev.capstan.X.y(X.java:1)
      """;

  private static final String INFO = """
      2026-12-06 18:00:01,000 INFO  [dev.capstan.controllers.ControllerLoop] (t) all fine
      """;

  @Test
  void expectedErrorsAreNotDefects() {
    assertThat(ServerLogScan.defects(CLOSED + INFO)).isEmpty();
  }

  @Test
  void aStatusLoggedAsAFailedEjbInvocationIsADefect() {
    // ApiException is an application exception (RefusedRequest): WildFly no longer logs it, so
    // an entry like this one means a refusal lost that and is logged as a server error again
    assertThat(ServerLogScan.defects(INFO + STATUS_IN_TRANSACTION)).singleElement()
        .satisfies(defect -> assertThat(defect).contains("WFLYEJB0034")
            .contains("root cause: dev.capstan.api.status.ApiException"));
  }

  @Test
  void theMarkerAndUnexpectedStackTracesAreDefectsNamedByTheirRootCause() {
    assertThat(ServerLogScan.defects(INFO + DEFECT + CLOSED + NPE_IN_TRANSACTION))
        .hasSize(2)
        .anySatisfy(defect -> assertThat(defect).contains("CAPSTAN-DEFECT")
            .contains("root cause: java.lang.IllegalStateException: broken"))
        .anySatisfy(defect -> assertThat(defect).contains("WFLYEJB0034")
            .contains("root cause: java.lang.NullPointerException: boom"));
  }

  @Test
  void whatIsLoggedOnceUndeploymentBeganIsNotScanned() {
    String undeploy = "2026-12-06 18:24:16,606 INFO  [org.wildfly.extension.undertow] (S) WFLYUT0022:"
        + " Unregistered web context: '/' from server 'default-server'\n";
    assertThat(ServerLogScan.defects(ServerLogScan.beforeUndeployment(INFO + undeploy
        + NPE_IN_TRANSACTION))).isEmpty();
    assertThat(ServerLogScan.defects(ServerLogScan.beforeUndeployment(NPE_IN_TRANSACTION
        + undeploy))).hasSize(1);
  }
}
