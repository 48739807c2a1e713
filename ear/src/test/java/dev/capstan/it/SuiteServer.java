package dev.capstan.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wildfly.core.launcher.Launcher;
import org.wildfly.core.launcher.StandaloneCommandBuilder;

/**
 * The fork's suite server, started once for all the fork's test classes with the EAR in its
 * {@code deployments} directory (as {@code bin/capstan up} deploys it), and stopped when the fork
 * ends. Arquillian connects to it ({@code allowConnectingToRunningServer} in arquillian.xml)
 * rather than starting and stopping a server, or deploying the EAR, per test class: with several
 * failsafe forks, surefire hands each fork one class at a time and Arquillian's suite is then a
 * single class, which cost a server start and a deployment (15–60 s) per class.
 *
 * <p>The server's settings stay where they were, in arquillian.xml's {@code capstan} container
 * ({@code jbossHome}, {@code serverConfig}, {@code javaVmArguments}, with {@code ${...}} from the
 * system properties {@link ForkEnvironment} set), so should the server be gone when a class
 * starts, Arquillian starts the same server itself.
 */
final class SuiteServer {

  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
  private static final Duration READY_WITHIN = Duration.ofMinutes(5);
  private static final String BASE_DIRECTORY = "-Djboss.server.base.dir=";

  private final Process process;

  private SuiteServer(Process process) {
    this.process = process;
  }

  /** Starts the server arquillian.xml calls {@code capstan} and waits until it is ready. */
  static SuiteServer start() {
    Map<String, String> settings = containerSettings("capstan");
    Path jbossHome = Path.of(settings.get("jbossHome"));
    StandaloneCommandBuilder command = StandaloneCommandBuilder.of(jbossHome)
        .setServerConfiguration(settings.get("serverConfig"));
    Path base = null;
    for (String argument : settings.get("javaVmArguments").trim().split("\\s+")) {
      if (argument.startsWith(BASE_DIRECTORY)) {
        base = Path.of(argument.substring(BASE_DIRECTORY.length()));
        command.setBaseDirectory(base);
      } else {
        command.addJavaOption(argument);
      }
    }
    if (base == null) {
      throw new IllegalStateException("arquillian.xml's capstan server has no base directory");
    }
    try {
      Path deployments = Files.createDirectories(base.resolve("deployments"));
      Files.copy(Path.of(System.getProperty("it.ear", "target/capstan.ear")),
          deployments.resolve("capstan.ear"), StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectories(base.resolve("log"));
      Process process = Launcher.of(command).setRedirectErrorStream(true)
          .redirectOutput(base.resolve("log/console.log")).launch();
      SuiteServer server = new SuiteServer(process);
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "suite-server-stop"));
      server.awaitReady(base);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the suite server", e);
    }
  }

  /** Stops the server (WildFly shuts down gracefully on SIGTERM), killing it after 60 s. */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(Path base) {
    URI readyz = TestServer.SUITE.api("/readyz");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(READY_WITHIN);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the suite server exited with " + process.exitValue()
            + "; see " + base.resolve("log"));
      }
      if (Files.exists(base.resolve("deployments/capstan.ear.failed"))) {
        stop();
        throw new IllegalStateException("the EAR failed to deploy on the suite server; see "
            + base.resolve("deployments/capstan.ear.failed"));
      }
      try {
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(readyz)
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the suite server started", e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the suite server started", e);
      }
    }
    stop();
    throw new IllegalStateException("the suite server was not ready within " + READY_WITHIN
        + "; see " + base.resolve("log"));
  }

  /** A container's properties in arquillian.xml, with {@code ${...}} from system properties. */
  private static Map<String, String> containerSettings(String qualifier) {
    try (InputStream xml = SuiteServer.class.getClassLoader()
        .getResourceAsStream("arquillian.xml")) {
      if (xml == null) {
        throw new IllegalStateException("arquillian.xml is not on the test class path");
      }
      NodeList containers = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
          .parse(xml).getElementsByTagName("container");
      for (int i = 0; i < containers.getLength(); i++) {
        Element container = (Element) containers.item(i);
        if (!qualifier.equals(container.getAttribute("qualifier"))) {
          continue;
        }
        Map<String, String> settings = new HashMap<>();
        NodeList properties = container.getElementsByTagName("property");
        for (int j = 0; j < properties.getLength(); j++) {
          Element property = (Element) properties.item(j);
          settings.put(property.getAttribute("name"), resolve(property.getTextContent()));
        }
        return settings;
      }
      throw new IllegalStateException("arquillian.xml has no container " + qualifier);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
      throw new IllegalStateException("cannot read arquillian.xml", e);
    }
  }

  private static String resolve(String text) {
    Matcher matcher = PROPERTY.matcher(text);
    StringBuilder resolved = new StringBuilder();
    while (matcher.find()) {
      String value = System.getProperty(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException("arquillian.xml uses ${" + matcher.group(1)
            + "}, which no system property sets; known: " + Arrays.toString(
                System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("it.")).sorted().toArray()));
      }
      matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(resolved);
    return resolved.toString();
  }
}
