package dev.capstan.api.version;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code /version} in Kubernetes' shape. Capstan serves the Kubernetes API of
 * {@link #KUBERNETES_MINOR 1.32}, so it reports that version, with Capstan's own version as
 * semver build metadata (as k3s reports {@code v1.32.0+k3s1}); kubectl picks its client by it.
 */
@Path("version")
public class VersionResource {

  static final String KUBERNETES_MAJOR = "1";
  static final String KUBERNETES_MINOR = "32";

  private static final JsonObject VERSION = build();

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JsonObject version() {
    return VERSION;
  }

  private static JsonObject build() {
    Properties build = new Properties();
    try (InputStream in = VersionResource.class.getResourceAsStream("/capstan-build.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String capstanVersion = build.getProperty("capstan.version", "unknown");
    return Json.createObjectBuilder()
        .add("major", KUBERNETES_MAJOR)
        .add("minor", KUBERNETES_MINOR)
        .add("gitVersion", "v" + KUBERNETES_MAJOR + "." + KUBERNETES_MINOR + ".0+capstan-"
            + capstanVersion.replace('.', '-'))
        .add("gitCommit", "")
        .add("gitTreeState", "clean")
        .add("buildDate", build.getProperty("capstan.buildDate", ""))
        .add("goVersion", "java" + Runtime.version().feature())
        .add("compiler", "javac")
        .add("platform", System.getProperty("os.name").toLowerCase() + "/"
            + normalisedArch(System.getProperty("os.arch")))
        .build();
  }

  private static String normalisedArch(String arch) {
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }
}
