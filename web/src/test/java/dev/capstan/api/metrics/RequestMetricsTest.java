package dev.capstan.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.api.access.AccessFilter;
import dev.capstan.api.access.RequestInfo;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

  private final RequestMetrics metrics = new RequestMetrics();

  private RequestMetrics.Labels labels(String method, String path, String contentType) {
    String[] parts = path.split("\\?", 2);
    var query = AccessFilter.query(parts.length > 1 ? parts[1] : null);
    return metrics.labels(RequestInfo.parse(method, parts[0], query, false), method,
        contentType, query);
  }

  @Test
  void verbsAndScopesAreNamedAsKubeApiserverNamesThem() {
    assertThat(labels("GET", "/api/v1/namespaces/a/pods", null))
        .isEqualTo(new RequestMetrics.Labels("LIST", "", "", "v1", "pods", "", "namespace"));
    assertThat(labels("GET", "/api/v1/pods", null).scope()).isEqualTo("cluster");
    assertThat(labels("GET", "/api/v1/namespaces/a/pods/p", null))
        .isEqualTo(new RequestMetrics.Labels("GET", "", "", "v1", "pods", "", "resource"));
    assertThat(labels("GET", "/api/v1/namespaces/a/pods?watch=true", null).verb())
        .isEqualTo("WATCH");
    assertThat(labels("POST", "/apis/apps/v1/namespaces/a/deployments?dryRun=All", null))
        .isEqualTo(new RequestMetrics.Labels("POST", "All", "apps", "v1", "deployments", "",
            "resource"));
    assertThat(labels("PATCH", "/api/v1/namespaces/a/configmaps/c",
        "application/apply-patch+yaml").verb()).isEqualTo("APPLY");
    assertThat(labels("POST", "/api/v1/namespaces/a/pods/p/exec", null))
        .isEqualTo(new RequestMetrics.Labels("CONNECT", "", "", "v1", "pods", "exec",
            "resource"));
  }

  @Test
  void pathsTheApiDoesNotServeGetNoSeriesOfTheirOwn() {
    assertThat(labels("GET", "/api/v1/namespaces/a/nonsense/x", null))
        .isEqualTo(new RequestMetrics.Labels("GET", "", "", "", "", "", "resource"));
    assertThat(labels("GET", "/apis/made.up/v1/things", null))
        .isEqualTo(new RequestMetrics.Labels("LIST", "", "", "", "", "", "cluster"));
    assertThat(labels("GET", "/metrics", null))
        .isEqualTo(new RequestMetrics.Labels("GET", "", "", "", "", "", ""));
  }
}
