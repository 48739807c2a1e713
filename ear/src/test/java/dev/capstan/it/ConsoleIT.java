package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.NodeAgent;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in a real browser: Debian's headless Chromium driven by its ChromeDriver
 * through Selenium, against the console the test server serves at {@code /console/} over TLS.
 * Every view it visits is kept as a screenshot under {@code target/console-screenshots}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  /** A driver process per browser: a quit browser's HTTP client cannot be reused. */
  private ChromeDriverService service;
  /** A node agent for the tests that need running pods, started by the first of them. */
  private static NodeAgent agent;
  private static String agentNode;
  private WebDriver browser;

  @BeforeAll
  static void makeScreenshotDirectory() throws IOException {
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
      Docker.removeContainersOf(agentNode);
    }
  }

  private static synchronized String startAgent() throws Exception {
    if (agent == null) {
      agentNode = "it-console-" + java.util.UUID.randomUUID().toString().substring(0, 6);
      agent = NodeAgent.start(NodeAgentIT.config(agentNode, Docker.host(),
          NodeAgentIT.freeKubeletPort(), Files.createTempDirectory("capstan-console-agent")));
      NodeAgentIT.keepOtherPodsAway(SERVER, agentNode);
    }
    return agentNode;
  }

  @BeforeEach
  void openBrowser() throws IOException {
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
        .usingAnyFreePort().build();
    service.start();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    // the test server's certificate is issued by the suite's own CA, which this fresh profile
    // does not know
    options.setAcceptInsecureCerts(true);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + Files.createTempDirectory("capstan-console-chromium"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1366, 800));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
          // an API answer of 4xx the test provokes (a refused token, a 403, a 422) is logged by
          // the browser as a failed load: the page handles it; only script errors count
          .filter(entry -> !entry.getMessage().contains(
              "Failed to load resource: the server responded with a status of 4"))
          // a container started by the test's node agent adds a network interface, and
          // Chromium drops open requests on any interface change; the watches resume
          .filter(entry -> !entry.getMessage().contains("net::ERR_NETWORK_CHANGED"))
          .toList();
      browser.quit();
      service.stop();
      assertThat(errors).as("JavaScript errors in the browser console").isEmpty();
    }
  }

  private String consoleUrl() {
    return SERVER.secureApi() + "/console/";
  }

  /**
   * How long a step may take to show: 60 s, as the other fork's classes (real agents, busy pods)
   * share this 2-core machine: with them beside it the class took 570–730 s (133–207 s alone),
   * and 15 s and then 30 s waits ran out in full runs.
   */
  private WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(60));
  }

  private void screenshot(String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name + ".png"),
        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private void logIn(String token) {
    WebElement field = null;
    for (int load = 1; field == null; load++) {
      browser.get(consoleUrl());
      try {
        field = new WebDriverWait(browser, Duration.ofSeconds(20))
            .until(ExpectedConditions.elementToBeClickable(By.id("token")));
      } catch (org.openqa.selenium.TimeoutException notShown) {
        // twice in a two-fork run the login page never showed: a page load Chromium dropped
        // (net::ERR_NETWORK_CHANGED as the other fork's agents add interfaces). A user reloads.
        if (load == 3) {
          String page = browser.getPageSource();
          throw new AssertionError("the login page did not show in 3 loads; the page reads: "
              + page.substring(0, Math.min(page.length(), 800)), notShown);
        }
      }
    }
    field.sendKeys(token);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
  }

  private void logInAsAdmin() {
    logIn(System.getProperty("it.admin.token"));
    try {
      // the first page after login loads the whole overview: slower than 15 s on a loaded machine
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(ExpectedConditions.textToBe(By.id("user"), "it-admin"));
    } catch (org.openqa.selenium.TimeoutException stillOnTheLoginPage) {
      // Chromium drops requests in flight when a network interface comes or goes
      // (net::ERR_NETWORK_CHANGED), and the test's agent adds one for every container it
      // starts: twice in full runs the login's own request was dropped. A user logs in again.
      logIn(System.getProperty("it.admin.token"));
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .withMessage(() -> "logged in twice; the page reads: "
              + browser.findElement(By.tagName("body")).getText())
          .until(ExpectedConditions.textToBe(By.id("user"), "it-admin"));
    }
  }

  private void open(String section) {
    browser.findElement(By.linkText(section)).click();
  }

  @Test
  void aRefusedTokenStaysOnTheLoginPageWithTheReason() throws IOException {
    browser.get(consoleUrl());
    assertThat(browser.findElements(By.cssSelector("nav"))).as("nothing before login").isEmpty();
    screenshot("01-login");
    logIn("not-a-valid-token");
    WebElement error = waiting().until(
        ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertThat(error.getText()).contains("refused by the API (401 Unauthorized)");
    assertThat(browser.findElements(By.cssSelector("nav"))).isEmpty();
    screenshot("02-login-refused");
  }

  @Test
  void theAdminSeesTheOverviewAndLogsOut() throws IOException {
    logInAsAdmin();
    waiting().until(ExpectedConditions.textMatches(By.cssSelector("#nodes-ready .figure"),
        java.util.regex.Pattern.compile("\\d+ / \\d+")));
    assertThat(browser.findElement(By.cssSelector("nav")).getText())
        .contains("Nodes", "Workloads", "Pods");
    screenshot("03-overview");

    browser.findElement(By.id("logout")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertThat(browser.findElement(By.id("login-error")).getText()).contains("logged out");
    browser.navigate().refresh();
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("token")));
    assertThat(browser.findElements(By.cssSelector("nav"))).as("the token is gone").isEmpty();
  }

  @Test
  void theNodesViewShowsANodeAndCordonsIt() throws IOException {
    String node = "console-node-" + Long.toHexString(System.nanoTime()).substring(6);
    HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/nodes"), """
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s",
          "labels":{"node-role.kubernetes.io/worker":""}},
         "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},
                   "allocatable":{"cpu":"4","memory":"8Gi","pods":"110"}}}""".formatted(node));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    try {
      logInAsAdmin();
      open("Nodes");
      By row = By.cssSelector("tr[data-node='" + node + "']");
      WebElement line = waiting().until(ExpectedConditions.visibilityOfElementLocated(row));
      assertThat(line.getText()).contains(node, "worker", "4 / 4");
      screenshot("04-nodes");

      line.findElement(By.xpath(".//button[text()='Cordon']")).click();
      waiting().until(ExpectedConditions.textToBePresentInElementLocated(row,
          "SchedulingDisabled"));
      assertThat(Http.get(SERVER.api("/api/v1/nodes/" + node)).body())
          .contains("\"unschedulable\":true");
      browser.findElement(row).findElement(By.xpath(".//button[text()='Uncordon']")).click();
      waiting().until(ExpectedConditions.not(
          ExpectedConditions.textToBePresentInElementLocated(row, "SchedulingDisabled")));
      assertThat(Http.get(SERVER.api("/api/v1/nodes/" + node)).body())
          .doesNotContain("\"unschedulable\":true");
    } finally {
      Http.delete(SERVER.api("/api/v1/nodes/" + node));
    }
  }

  @Test
  void aDeploymentMadeWithKubectlAppearsLiveInTheNamespaceChosen() throws IOException {
    String namespace = SERVER.newNamespace();
    logInAsAdmin();
    open("Workloads");
    chooseNamespace(namespace);
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("main"), "No deployments."));

    Kubectl.Result made = Kubectl.against(SERVER).run("create", "deployment", "live-web",
        "--image=nginx:1.27", "--replicas=2", "-n", namespace);
    assertThat(made.exitCode()).as(made.toString()).isZero();
    WebElement row = new WebDriverWait(browser, Duration.ofSeconds(5)).until(
        ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("tr[data-deployment='live-web']")));
    assertThat(row.getText()).contains("live-web", "/2", "nginx:1.27");
    // and the ReplicaSet the Deployment made, led back to it
    WebElement replicaSet = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-replicaset^='live-web-']")));
    assertThat(replicaSet.getText()).contains("nginx:1.27", "Deployment/live-web");
    screenshot("05-workloads-live");

    open("Pods");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"),
        "live-web-"));
    screenshot("06-pods");
  }

  @Test
  void theConsoleIsServedWithItsSecurityHeaders() {
    HttpResponse<String> page = Http.get(SERVER.api("/console/"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<div id=\"app\"></div>").doesNotContain("<script>");
    assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
        .contains("script-src 'self'").contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
  }

  @Test
  void aNarrowScreenStillShowsTheNavigation() throws IOException {
    browser.manage().window().setSize(new Dimension(390, 844));
    logInAsAdmin();
    open("Nodes");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("nodes-title")));
    screenshot("07-nodes-narrow");
  }

  /**
   * Picks the namespace: from the list, or typed where the user may not list namespaces (the
   * switcher is then a text field).
   */
  private void chooseNamespace(String namespace) {
    // the switcher is drawn again as namespaces come and go (other tests make them all the
    // time): an element found a moment ago may be gone, so the choice is made afresh
    waiting().ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(driver -> {
      WebElement chooser = driver.findElement(By.id("namespace"));
      if (!chooser.isEnabled()) {
        return false;
      }
      if (chooser.getTagName().equals("select")) {
        // the list loads after the page: wait for the namespace among its options
        if (chooser.findElements(By.cssSelector("option[value='" + namespace + "']")).isEmpty()) {
          return false;
        }
        new Select(chooser).selectByValue(namespace);
        return namespace.equals(new Select(driver.findElement(By.id("namespace")))
            .getFirstSelectedOption().getAttribute("value"));
      }
      chooser.clear();
      chooser.sendKeys(namespace, org.openqa.selenium.Keys.ENTER);
      return true;
    });
  }

  private void fillDeployForm(String name, String image, String replicas, String port,
      String service) {
    open("Deploy");
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("app-name"))).sendKeys(name);
    browser.findElement(By.id("app-image")).sendKeys(image);
    WebElement pods = browser.findElement(By.id("app-replicas"));
    pods.clear();
    pods.sendKeys(replicas);
    browser.findElement(By.id("app-port")).sendKeys(port);
    new Select(browser.findElement(By.id("app-service"))).selectByValue(service);
  }

  @Test
  void anAppDeployedFromTheFormIsScaledAndDeleted() throws IOException {
    String namespace = SERVER.newNamespace();
    String deployment = "/apis/apps/v1/namespaces/" + namespace + "/deployments/form-web";
    logInAsAdmin();
    chooseNamespace(namespace);
    fillDeployForm("form-web", "nginx:1.27", "2", "80", "ClusterIP");
    screenshot("08-deploy-form");
    browser.findElement(By.cssSelector("form.deploy button[type=submit]")).click();

    By row = By.cssSelector("tr[data-deployment='form-web']");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(row));
    assertThat(Http.json(Http.get(SERVER.api(deployment))).getJsonObject("spec")
        .getInt("replicas")).isEqualTo(2);
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services/form-web"))).getJsonObject("spec").getJsonArray("ports").getJsonObject(0)
        .getInt("port")).isEqualTo(80);

    browser.findElement(row).findElement(By.xpath(".//button[text()='Scale']")).click();
    var prompt = waiting().until(ExpectedConditions.alertIsPresent());
    prompt.sendKeys("3");
    prompt.accept();
    waiting().until(driver -> Http.json(Http.get(SERVER.api(deployment)))
        .getJsonObject("spec").getInt("replicas") == 3);
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(row, "/3"));
    screenshot("09-workloads-scaled");

    browser.findElement(row).findElement(By.xpath(".//button[text()='Delete']")).click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    waiting().until(ExpectedConditions.invisibilityOfElementLocated(row));
    waiting().until(driver -> Http.get(SERVER.api(deployment)).statusCode() == 404);
  }

  @Test
  void aNameTheApiRefusesIsShownNextToItsFieldAndNothingIsCreated() throws IOException {
    String namespace = SERVER.newNamespace();
    logInAsAdmin();
    chooseNamespace(namespace);
    fillDeployForm("Bad_Name", "nginx:1.27", "1", "80", "NodePort");
    browser.findElement(By.cssSelector("form.deploy button[type=submit]")).click();
    WebElement error = waiting().until(
        ExpectedConditions.visibilityOfElementLocated(By.id("app-name-error")));
    assertThat(error.getText()).startsWith("metadata.name: Invalid value: \"Bad_Name\"")
        .contains("RFC 1123");
    screenshot("10-deploy-refused");
    assertThat(Http.json(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments"))).getJsonArray("items")).isEmpty();
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services"))).getJsonArray("items")).isEmpty();
  }

  @Test
  void aViewerSeesWorkloadsButTheApiRefusesTheirDeletion() throws IOException {
    String namespace = SERVER.newNamespace();
    Kubectl admin = Kubectl.against(SERVER);
    for (String[] step : new String[][] {
        {"create", "serviceaccount", "viewer", "-n", namespace},
        {"create", "rolebinding", "viewer-view", "--clusterrole=view",
            "--serviceaccount=" + namespace + ":viewer", "-n", namespace},
        {"create", "deployment", "kept", "--image=nginx:1.27", "-n", namespace}}) {
      Kubectl.Result result = admin.run(step);
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
    Kubectl.Result token = admin.run("create", "token", "viewer", "-n", namespace);
    assertThat(token.exitCode()).as(token.toString()).isZero();

    logIn(token.out().strip());
    waiting().until(ExpectedConditions.textToBe(By.id("user"),
        "system:serviceaccount:" + namespace + ":viewer"));
    chooseNamespace(namespace);
    open("Workloads");
    By row = By.cssSelector("tr[data-deployment='kept']");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(row))
        .findElement(By.xpath(".//button[text()='Delete']")).click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    WebElement refusal = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("main .error")));
    assertThat(refusal.getText()).isEqualTo("deployments.apps \"kept\" is forbidden: User"
        + " \"system:serviceaccount:" + namespace + ":viewer\" cannot delete resource"
        + " \"deployments\" in API group \"apps\" in the namespace \"" + namespace + "\"");
    screenshot("11-viewer-refused");
    assertThat(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments/kept")).statusCode()).isEqualTo(200);
  }

  @Test
  void aPodsPageShowsItsStatusAndFollowsItsLogLive() throws Exception {
    String node = startAgent();
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"talker","labels":{"app":"talker"}},
         "spec":{"nodeName":"%s","tolerations":[{"operator":"Exists"}],
          "containers":[{"name":"c","image":"%s","imagePullPolicy":"Never","command":["sh","-c",
            "echo hello-from-the-console; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done"]}]}}"""
        .formatted(node, NodeAgentIT.IMAGE)).statusCode()).isEqualTo(201);
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Pods");
    By row = By.cssSelector("tr[data-pod='talker']");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(row, "Running"));
    browser.findElement(row).findElement(By.linkText("talker")).click();

    WebElement log = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.id("log-text")));
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .withMessage(() -> "the logs section reads: " + browser.findElement(
            By.cssSelector("section.logs")).getText())
        .until(ExpectedConditions.textToBePresentInElement(log, "hello-from-the-console"));
    assertThat(browser.findElement(By.id("pod-status")).getText()).isEqualTo("Running");
    // followed: lines written after the page opened arrive without a reload
    String seen = log.getText();
    int last = seen.lastIndexOf("tick-");
    int tick = last < 0 ? 0 : Integer.parseInt(seen.substring(last + 5).strip().split("\\s")[0]);
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(
        ExpectedConditions.textToBePresentInElement(log, "tick-" + (tick + 3)));
    screenshot("12-pod-logs");
  }

  @Test
  void aPodsLogIsReadPerContainerAndFromTheContainersPreviousInstance() throws Exception {
    String node = startAgent();
    String namespace = SERVER.newNamespace();
    // "second" fails at its first start and runs at its second: the emptyDir remembers the first
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"pair"},
         "spec":{"nodeName":"%s","tolerations":[{"operator":"Exists"}],
          "volumes":[{"name":"memory","emptyDir":{}}],
          "containers":[
           {"name":"first","image":"%s","imagePullPolicy":"Never","command":["sh","-c",
             "echo first-says-hello; while true; do sleep 1; done"]},
           {"name":"second","image":"%s","imagePullPolicy":"Never",
            "volumeMounts":[{"name":"memory","mountPath":"/memory"}],
            "command":["sh","-c","if [ -f /memory/started ]; then echo second-instance-two; while true; do sleep 1; done; else touch /memory/started; echo second-instance-one; echo going-down; exit 1; fi"]}]}}"""
        .formatted(node, NodeAgentIT.IMAGE, NodeAgentIT.IMAGE)).statusCode()).isEqualTo(201);
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Pods");
    By row = By.cssSelector("tr[data-pod='pair']");
    // both containers running, the second once restarted (after the 10 s back-off)
    new WebDriverWait(browser, Duration.ofSeconds(90))
        .withMessage(() -> "the pod's row reads: " + browser.findElement(row).getText())
        .until(ExpectedConditions.textMatches(row,
            java.util.regex.Pattern.compile("2/2 Running 1\\b")));
    browser.findElement(row).findElement(By.linkText("pair")).click();

    By log = By.id("log-text");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(log, "first-says-hello"));
    new Select(browser.findElement(By.id("log-container"))).selectByValue("second");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(log,
        "second-instance-two"));
    assertThat(textContent(log)).isEqualTo(kubectl(null, "logs", "pair", "-c", "second", "-n",
        namespace).out()).doesNotContain("first-says-hello");
    screenshot("41-pod-logs-second-container");

    // the instance before the restart, as kubectl logs --previous prints it
    browser.findElement(By.id("log-previous")).click();
    String previous = kubectl(null, "logs", "pair", "-c", "second", "--previous", "-n",
        namespace).out();
    assertThat(previous).isEqualTo("second-instance-one\ngoing-down\n");
    waiting().until(driver -> textContent(log).equals(previous));
    screenshot("42-pod-logs-previous");

    // a container that never restarted has no previous instance: the API's words, as kubectl's
    new Select(browser.findElement(By.id("log-container"))).selectByValue("first");
    WebElement refusal = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("section.logs .error")));
    assertThat(refusal.getText())
        .isEqualTo("previous terminated container \"first\" in pod \"pair\" not found");
    assertThat(Kubectl.against(SERVER).run("logs", "pair", "-c", "first", "--previous", "-n",
        namespace).err()).contains(refusal.getText());
  }

  @Test
  void aReplicationControllerMadeWithKubectlShowsWhatKubectlGetWideShows() throws Exception {
    String node = startAgent();
    String namespace = SERVER.newNamespace();
    kubectl("""
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: classic}
        spec:
          replicas: 2
          selector: {app: classic, tier: back}
          template:
            metadata: {labels: {app: classic, tier: back}}
            spec:
              nodeName: %s
              tolerations: [{operator: Exists}]
              containers:
              - {name: main, image: "%s", imagePullPolicy: Never,
                 command: [sh, -c, "while true; do sleep 1; done"]}
              - {name: helper, image: "%s", imagePullPolicy: Never,
                 command: [sh, -c, "while true; do sleep 1; done"]}
        """.formatted(node, NodeAgentIT.IMAGE, NodeAgentIT.IMAGE), "create", "-n", namespace,
        "-f", "-");
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Workloads");
    By row = By.cssSelector("tr[data-replicationcontroller='classic']");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(row));
    // its two pods start on the test's node agent, and the table follows: READY 0, 1, then 2
    new WebDriverWait(browser, Duration.ofSeconds(90))
        .withMessage(() -> "the row reads: " + browser.findElement(row).getText())
        .until(driver -> cells(row).get(3).equals("2"));
    var wide = kubectlRow(kubectl(null, "get", "rc", "-o", "wide", "-n", namespace).out(),
        "classic");
    List<String> shown = cells(row);
    assertThat(shown.subList(0, 4)).containsExactly("classic", wide.get("DESIRED"),
        wide.get("CURRENT"), wide.get("READY"));
    assertThat(shown.subList(5, 8)).containsExactly(wide.get("CONTAINERS"), wide.get("IMAGES"),
        wide.get("SELECTOR"));
    assertThat(wide.get("READY")).isEqualTo("2");
    assertThat(wide.get("CONTAINERS")).isEqualTo("main,helper");
    assertThat(wide.get("IMAGES")).isEqualTo(NodeAgentIT.IMAGE + "," + NodeAgentIT.IMAGE);
    assertThat(wide.get("SELECTOR")).isEqualTo("app=classic,tier=back");
    screenshot("43-workloads-replicationcontroller");
  }

  /** The texts of a table row's cells, its name first. */
  private List<String> cells(By row) {
    return browser.findElement(row).findElements(By.cssSelector("th, td")).stream()
        .map(WebElement::getText).toList();
  }

  @Test
  void anAppDeployedFromTheFormWithARunCommandReachesRunningOnTheNodeChosen() throws Exception {
    String node = startAgent();
    String namespace = SERVER.newNamespace();
    logInAsAdmin();
    chooseNamespace(namespace);
    fillDeployForm("form-busy", NodeAgentIT.IMAGE, "2", "", "");
    // the image's own command is a shell that ends at once without a terminal: a command keeps
    // it running, as the dashboard's "Run command" and "Run command arguments" give it
    browser.findElement(By.id("app-command")).sendKeys("sh");
    browser.findElement(By.id("app-args")).sendKeys(
        "-c \"echo started as $0; while true; do sleep 1; done\" form-busy");
    WebElement nodes = browser.findElement(By.id("app-node"));
    waiting().until(ExpectedConditions.presenceOfNestedElementLocatedBy(nodes,
        By.cssSelector("option[value='" + node + "']")));
    new Select(nodes).selectByValue(node);
    screenshot("44-deploy-form-command");
    browser.findElement(By.cssSelector("form.deploy button[type=submit]")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-deployment='form-busy']")));

    var container = Http.json(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments/form-busy"))).getJsonObject("spec").getJsonObject("template")
        .getJsonObject("spec").getJsonArray("containers").getJsonObject(0);
    assertThat(container.getJsonArray("command").getValuesAs(jakarta.json.JsonString::getString))
        .containsExactly("sh");
    assertThat(container.getJsonArray("args").getValuesAs(jakarta.json.JsonString::getString))
        .containsExactly("-c", "echo started as $0; while true; do sleep 1; done", "form-busy");

    open("Pods");
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("pod-selector")))
        .sendKeys("app=form-busy", org.openqa.selenium.Keys.ENTER);
    By rows = By.cssSelector("tr[data-pod^='form-busy-']");
    new WebDriverWait(browser, Duration.ofSeconds(90))
        .withMessage(() -> "the pods read: " + browser.findElement(By.cssSelector("main"))
            .getText())
        .until(driver -> {
          List<WebElement> pods = driver.findElements(rows);
          return pods.size() == 2 && pods.stream().allMatch(pod -> pod.getText()
              .matches("(?s).*\\b1/1 Running 0\\b.*" + node + ".*"));
        });
    screenshot("45-deployed-pods-running");
    // kubectl agrees, and the containers run the command given
    String kubectlPods = kubectl(null, "get", "pods", "-l", "app=form-busy", "-n", namespace,
        "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.nodeName}"
        + "{\"\\n\"}{end}").out();
    assertThat(kubectlPods.lines()).hasSize(2)
        .allSatisfy(line -> assertThat(line).endsWith(" Running " + node));
    String pod = kubectlPods.lines().findFirst().orElseThrow().split(" ")[0];
    assertThat(kubectl(null, "logs", pod, "-n", namespace).out())
        .isEqualTo("started as form-busy\n");
  }

  @Test
  void aShellInTheBrowserRunsACommandAndShowsItsExitStatus() throws Exception {
    String node = startAgent();
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"box"},
         "spec":{"nodeName":"%s","tolerations":[{"operator":"Exists"}],
          "containers":[{"name":"c","image":"%s","imagePullPolicy":"Never",
            "command":["sh","-c","while true; do sleep 1; done"]}]}}"""
        .formatted(node, NodeAgentIT.IMAGE)).statusCode()).isEqualTo(201);
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Pods");
    By row = By.cssSelector("tr[data-pod='box']");
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(ExpectedConditions.textToBePresentInElementLocated(row, "Running"));
    browser.findElement(row).findElement(By.linkText("box")).click();

    waiting().until(ExpectedConditions.elementToBeClickable(By.id("shell-open"))).click();
    By status = By.id("shell-status");
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .withMessage(() -> "the shell section reads: " + browser.findElement(
            By.cssSelector("section.shell")).getText())
        .until(ExpectedConditions.textToBePresentInElementLocated(status, "Connected to c"));
    By screen = By.cssSelector("#shell-terminal .xterm-rows");
    // the prompt first, so that what is typed goes to the shell, not before it
    // keys go where a user's go: to the terminal, once it has the focus
    browser.findElement(By.id("shell-terminal")).click();
    try {
      new WebDriverWait(browser, Duration.ofSeconds(15))
          .until(ExpectedConditions.textMatches(screen, java.util.regex.Pattern.compile("[#$]")));
    } catch (org.openqa.selenium.TimeoutException noPromptYet) {
      // twice in full runs (never alone) the shell's first prompt did not show; a user presses
      // Enter for a new one (to be looked into: was the first prompt's output lost?)
      type(org.openqa.selenium.Keys.ENTER.toString());
      new WebDriverWait(browser, Duration.ofSeconds(15))
          .withMessage(() -> "the terminal reads: " + browser.findElement(screen).getText())
          .until(ExpectedConditions.textMatches(screen, java.util.regex.Pattern.compile("[#$]")));
    }
    type("echo hello-$((6*7))" + org.openqa.selenium.Keys.ENTER);
    // hello-42 is the shell's answer: the echoed command line holds hello-$((6*7))
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .withMessage(() -> "the terminal reads: " + browser.findElement(screen).getText())
        .until(ExpectedConditions.textToBePresentInElementLocated(screen, "hello-42"));
    // a resize reaches the shell's terminal (channel 4): stty reports what the page measured
    type("stty size" + org.openqa.selenium.Keys.ENTER);
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .withMessage(() -> "the terminal reads: " + browser.findElement(screen).getText())
        .until(ExpectedConditions.textMatches(screen,
            java.util.regex.Pattern.compile("(?m)^\\d+ \\d+\\s*$")));
    screenshot("26-pod-shell");

    type("exit 3" + org.openqa.selenium.Keys.ENTER);
    waiting().until(ExpectedConditions.textToBe(status, "The command exited with status 3."));
    assertThat(browser.findElement(screen).getText()).contains("[exited with status 3]");
    assertThat(browser.findElements(By.id("shell-error"))).isEmpty();
    screenshot("27-pod-shell-exited");

    // a container that is not running: the API's words, not a dead terminal
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"done"},
         "spec":{"nodeName":"%s","restartPolicy":"Never","tolerations":[{"operator":"Exists"}],
          "containers":[{"name":"c","image":"%s","imagePullPolicy":"Never",
            "command":["true"]}]}}"""
        .formatted(node, NodeAgentIT.IMAGE)).statusCode()).isEqualTo(201);
    chooseNamespace(namespace);
    open("Pods");
    By doneRow = By.cssSelector("tr[data-pod='done']");
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(ExpectedConditions.textToBePresentInElementLocated(doneRow, "Completed"));
    // the container's Completed can show before the pod's phase is Succeeded; kubectl refuses by
    // the phase before it asks the API, and so does the console
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Kubectl
        .against(SERVER).run("get", "pod", "done", "-n", namespace, "-o",
            "jsonpath={.status.phase}").out().equals("Succeeded"));
    browser.findElement(doneRow).findElement(By.linkText("done")).click();
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("shell-open"))).click();
    WebElement refusal = new WebDriverWait(browser, Duration.ofSeconds(30)).until(
        ExpectedConditions.visibilityOfElementLocated(By.id("shell-error")));
    String kubectlSays = Kubectl.against(SERVER).run("exec", "done", "-n", namespace, "--",
        "/bin/sh").err();
    assertThat(refusal.getText())
        .isEqualTo("cannot exec into a container in a completed pod; current phase is Succeeded");
    assertThat(kubectlSays).as("kubectl is told the same").contains(refusal.getText());
    screenshot("28-pod-shell-not-running");
  }

  @Test
  void aUserWithoutExecPermissionIsToldTheApisRefusal() throws Exception {
    String namespace = SERVER.newNamespace();
    Kubectl admin = Kubectl.against(SERVER);
    for (String[] step : new String[][] {
        {"create", "serviceaccount", "looker", "-n", namespace},
        {"create", "rolebinding", "looker-view", "--clusterrole=view",
            "--serviceaccount=" + namespace + ":looker", "-n", namespace}}) {
      Kubectl.Result result = admin.run(step);
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"guarded"},
         "spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}""").statusCode())
        .isEqualTo(201);
    String token = admin.run("create", "token", "looker", "-n", namespace).out().strip();
    String user = "system:serviceaccount:" + namespace + ":looker";
    String forbidden = "pods \"guarded\" is forbidden: User \"" + user + "\" cannot get resource"
        + " \"pods/exec\" in API group \"\" in the namespace \"" + namespace + "\"";

    // the API itself refuses the browser's kind of upgrade (the token as a subprotocol)
    String path = "/api/v1/namespaces/" + namespace + "/pods/guarded/exec?command=sh&stdin=true"
        + "&stdout=true&tty=true";
    assertThat(upgrade(path, token)).startsWith("HTTP/1.1 403").contains(forbidden.replace("\"", "\\\""));
    assertThat(upgrade(path, "not-a-token")).startsWith("HTTP/1.1 401");

    logIn(token);
    waiting().until(ExpectedConditions.textToBe(By.id("user"), user));
    chooseNamespace(namespace);
    open("Pods");
    By row = By.cssSelector("tr[data-pod='guarded']");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(row))
        .findElement(By.linkText("guarded")).click();
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("shell-open"))).click();
    WebElement refusal = waiting().until(
        ExpectedConditions.visibilityOfElementLocated(By.id("shell-error")));
    assertThat(refusal.getText()).isEqualTo(forbidden);
    assertThat(browser.findElements(By.id("shell-terminal"))).isEmpty();
    screenshot("29-pod-shell-forbidden");
  }

  /** Keys typed as a user types them, to whichever element has the focus. */
  private void type(String keys) {
    new org.openqa.selenium.interactions.Actions(browser).sendKeys(keys).perform();
  }

  /** A browser's WebSocket upgrade to the API: the token as a subprotocol, no Authorization header. */
  private static String upgrade(String path, String token) throws Exception {
    String protocol = "base64url.bearer.authorization.k8s.io." + java.util.Base64.getUrlEncoder()
        .withoutPadding().encodeToString(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Process curl = new ProcessBuilder("curl", "-s", "-i", "--max-time", "10", "--http1.1",
        "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
        "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "-H", "Sec-WebSocket-Protocol: v5.channel.k8s.io, " + protocol, SERVER.api(path).toString())
        .redirectErrorStream(true).start();
    String answer = new String(curl.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    curl.waitFor();
    return answer;
  }

  private Kubectl.Result kubectl(String stdin, String... args) {
    Kubectl.Result result = Kubectl.against(SERVER).withInput(stdin, args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  /** The text of an element exactly as the page holds it (a {@code <pre>}'s indentation kept). */
  private String textContent(By element) {
    return (String) ((JavascriptExecutor) browser).executeScript(
        "return arguments[0].textContent", browser.findElement(element));
  }

  /** A Warning event about an object, as a controller would record it. */
  private static void recordWarning(String namespace, String name, String kind, String apiVersion,
      String object, String uid, String reason, String message) {
    String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString();
    HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/events"), """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"%s"},
         "involvedObject":{"kind":"%s","apiVersion":"%s","namespace":"%s","name":"%s","uid":"%s"},
         "type":"Warning","reason":"%s","message":"%s","count":1,
         "firstTimestamp":"%s","lastTimestamp":"%s","source":{"component":"console-it"}}"""
        .formatted(name, kind, apiVersion, namespace, object, uid, reason, message, now, now));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @Test
  void anObjectsPageShowsItsYamlAsKubectlPrintsItAndItsEventsLive() throws IOException {
    String namespace = SERVER.newNamespace();
    kubectl("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels: {app: shop, tier: "3"}
          annotations: {note: "a: b", "example.com/flag": "yes"}
        data:
          greeting: hello
          port: "8080"
          empty: ""
          script: |
            #!/bin/sh
            echo "it's here"
          trailing: "no newline\\nat the end"
          long: "a sentence long enough that go-yaml folds it past the eightieth column,
            as kubectl prints it, twice over for good measure"
          sexagesimal: "1:20"
          switch: "on"
          padded: " leading and trailing "
          tabbed: "a\\tb"
          accented: "na\\u00efve caf\\u00e9 \\U0001F600"
          spaces-then-break: "line  \\nnext"
        """, "apply", "-n", namespace, "-f", "-");
    logInAsAdmin();
    chooseNamespace(namespace);
    open("ConfigMaps");
    WebElement row = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-configmap='settings']")));
    assertThat(row.getText()).contains("settings", "12");
    row.findElement(By.linkText("settings")).click();

    waiting().until(ExpectedConditions.textToBe(By.id("object-title"),
        "ConfigMap " + namespace + "/settings"));
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("object-yaml")));
    String kubectlYaml = kubectl(null, "get", "configmap", "settings", "-n", namespace,
        "-o", "yaml").out();
    assertThat(textContent(By.id("object-yaml"))).as("the page's YAML is kubectl's")
        .isEqualTo(kubectlYaml);
    assertThat(browser.findElement(By.id("object-labels")).getText())
        .contains("app=shop", "tier=3");
    assertThat(browser.findElement(By.id("object-annotations")).getText())
        .contains("note=a: b");
    assertThat(browser.findElement(By.cssSelector("#object-data tr[data-key='script']"))
        .getText()).contains("echo \"it's here\"");

    String uid = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/configmaps/settings"))).getJsonObject("metadata").getString("uid");
    recordWarning(namespace, "settings.console-it", "ConfigMap", "v1", "settings", uid,
        "BadSetting", "greeting is not a number");
    WebElement event = new WebDriverWait(browser, Duration.ofSeconds(5)).until(
        ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#object-events tr.warning")));
    assertThat(event.getText()).contains("Warning", "BadSetting", "console-it",
        "greeting is not a number");
    screenshot("13-configmap-page");

    open("Events");
    WebElement listed = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-event='settings.console-it']")));
    assertThat(listed.getAttribute("class")).as("a Warning is highlighted").contains("warning");
    assertThat(listed.getText()).contains("Warning", "BadSetting", "configmap/settings");
    browser.findElement(By.id("warnings-only")).click();
    assertThat(browser.findElement(By.cssSelector("tr[data-event='settings.console-it']"))
        .isDisplayed()).isTrue();
    screenshot("14-events");
    listed = browser.findElement(By.cssSelector("tr[data-event='settings.console-it']"));
    listed.findElement(By.linkText("configmap/settings")).click();
    waiting().until(ExpectedConditions.textToBe(By.id("object-title"),
        "ConfigMap " + namespace + "/settings"));
  }

  @Test
  void ownerLinksLeadFromAPodToItsReplicaSetAndDeploymentAndBack() throws IOException {
    String namespace = SERVER.newNamespace();
    kubectl(null, "create", "deployment", "owned-web", "--image=nginx:1.27", "-n", namespace);
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Pods");
    WebElement pod = new WebDriverWait(browser, Duration.ofSeconds(30)).until(
        ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-pod^='owned-web-'] a")));
    String podName = pod.getText();
    pod.click();
    waiting().until(ExpectedConditions.textToBe(By.id("pod-title"),
        "Pod " + namespace + "/" + podName));
    WebElement replicaSet = waiting().until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("#object-owners a[data-owner='ReplicaSet']")));
    assertThat(textContent(By.id("object-yaml"))).contains("kind: Pod\n", "  name: " + podName + "\n");
    String replicaSetName = replicaSet.getText().substring("ReplicaSet/".length());
    assertThat(podName).startsWith(replicaSetName + "-");
    replicaSet.click();

    waiting().until(ExpectedConditions.textToBe(By.id("object-title"),
        "ReplicaSet " + namespace + "/" + replicaSetName));
    WebElement deployment = waiting().until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("#object-owners a[data-owner='Deployment']")));
    assertThat(deployment.getText()).isEqualTo("Deployment/owned-web");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-owned"),
        "Pod/" + podName));
    screenshot("15-replicaset-page");
    deployment.click();
    waiting().until(ExpectedConditions.textToBe(By.id("object-title"),
        "Deployment " + namespace + "/owned-web"));
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("object-yaml")));
    assertThat(textContent(By.id("object-yaml"))).startsWith("apiVersion: apps/v1\n")
        .contains("kind: Deployment\n", "      - image: nginx:1.27\n");
    assertThat(browser.findElement(By.id("object-owners")).getText()).isEqualTo("<none>");
    // and back down: the Deployment lists the ReplicaSet it owns
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-owned"),
        "ReplicaSet/" + replicaSetName));
    screenshot("16-deployment-page");
  }

  @Test
  void aSecretsValueIsHiddenUntilTheUserRevealsIt() throws IOException {
    String namespace = SERVER.newNamespace();
    kubectl(null, "create", "secret", "generic", "db-login", "--from-literal=user=admin",
        "--from-literal=password=s3cr3t-value", "-n", namespace);
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Secrets");
    WebElement row = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-secret='db-login']")));
    assertThat(row.getText()).contains("db-login", "Opaque", "password, user")
        .doesNotContain("s3cr3t-value");
    screenshot("17-secrets");
    row.findElement(By.linkText("db-login")).click();

    By password = By.cssSelector("#object-data tr[data-key='password']");
    WebElement value = waiting().until(ExpectedConditions.visibilityOfElementLocated(password));
    assertThat(value.getText()).contains("12 bytes").doesNotContain("s3cr3t-value");
    assertThat(browser.findElement(By.tagName("main")).getText()).as("no value, no YAML")
        .doesNotContain("s3cr3t-value").doesNotContain("czNjcjN0LXZhbHVl");
    assertThat(browser.findElements(By.id("object-yaml"))).isEmpty();
    value.findElement(By.xpath(".//button[text()='Reveal']")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(password, "s3cr3t-value"));
    assertThat(browser.findElement(By.cssSelector("#object-data tr[data-key='user']")).getText())
        .as("only the value asked for").doesNotContain("admin");
    screenshot("18-secret-revealed");
  }

  @Test
  void theServicesViewShowsTypeAddressPortsSelectorAndEndpoints() throws IOException {
    String namespace = SERVER.newNamespace();
    kubectl("""
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec:
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: backend}
        subsets:
        - addresses: [{ip: 10.1.2.3}, {ip: 10.1.2.4}]
          ports: [{name: http, port: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: front}
        spec:
          type: NodePort
          selector: {app: front}
          ports: [{port: 443, targetPort: 8443}]
        """, "apply", "-n", namespace, "-f", "-");
    String clusterIp = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services/backend"))).getJsonObject("spec").getString("clusterIP");
    int nodePort = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services/front"))).getJsonObject("spec").getJsonArray("ports").getJsonObject(0)
        .getInt("nodePort");
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Services");
    By backend = By.cssSelector("tr[data-service='backend']");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(backend, "10.1.2.4:8080"));
    assertThat(browser.findElement(backend).getText())
        .contains("ClusterIP", clusterIp, "80/TCP", "<none>", "10.1.2.3:8080,10.1.2.4:8080");
    assertThat(browser.findElement(By.cssSelector("tr[data-service='front']")).getText())
        .contains("NodePort", "443:" + nodePort + "/TCP", "app=front");
    screenshot("19-services");
    browser.findElement(backend).findElement(By.linkText("backend")).click();
    // the page lists the Endpoints after it shows the Service: "<none>" until they arrive
    waiting().until(ExpectedConditions.textToBe(By.id("service-endpoints"),
        "10.1.2.3:8080, 10.1.2.4:8080"));
    assertThat(browser.findElement(By.id("service-summary")).getText())
        .contains("http 80/TCP → 8080", clusterIp);
  }

  /** Replaces a text field's whole text, as a user selecting all and typing would. */
  /**
   * Replaces a field's text as a user does, selecting it all and typing over it: every key is
   * an input event (WebDriver's clear() sets the value without one, so a page that re-renders
   * meanwhile puts the old value back and the typing lands after it).
   */
  private static void retype(WebElement field, String text) {
    field.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"));
    field.sendKeys(text.isEmpty() ? org.openqa.selenium.Keys.DELETE.toString() : text);
  }

  /** One row of a {@code kubectl get} table, by its NAME: each column's value under its header. */
  private static java.util.Map<String, String> kubectlRow(String table, String name) {
    List<String> lines = table.lines().toList();
    String header = lines.get(0);
    List<Integer> starts = new java.util.ArrayList<>();
    java.util.regex.Matcher column =
        java.util.regex.Pattern.compile("\\S+(?: \\S+)*").matcher(header);
    while (column.find()) {
      starts.add(column.start());
    }
    String row = lines.stream().filter(line -> line.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in:\n" + table));
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
    for (int i = 0; i < starts.size(); i++) {
      int end = i + 1 < starts.size() ? starts.get(i + 1) : Integer.MAX_VALUE;
      values.put(header.substring(starts.get(i), Math.min(end, header.length())).strip(),
          row.substring(Math.min(starts.get(i), row.length()), Math.min(end, row.length()))
              .strip());
    }
    return values;
  }

  @Test
  void anEditOverSomeoneElsesChangeIsRefusedWithTheConflictThenMadeOnTheLatest()
      throws IOException {
    String namespace = SERVER.newNamespace();
    String path = "/api/v1/namespaces/" + namespace + "/configmaps/app-config";
    kubectl(null, "create", "configmap", "app-config", "--from-literal=mode=blue", "-n", namespace);
    logInAsAdmin();
    chooseNamespace(namespace);
    open("ConfigMaps");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-configmap='app-config']"))).findElement(By.linkText("app-config"))
        .click();
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("edit-yaml"))).click();
    WebElement editor = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.id("yaml-editor")));
    String text = editor.getDomProperty("value");
    assertThat(text).as("the editor starts from the YAML kubectl prints").isEqualTo(
        kubectl(null, "get", "configmap", "app-config", "-n", namespace, "-o", "yaml").out());
    retype(editor, text.replace("mode: blue", "mode: green"));

    // meanwhile someone else changes the ConfigMap: the page says so before the save
    kubectl(null, "patch", "configmap", "app-config", "-n", namespace,
        "-p", "{\"data\":{\"size\":\"large\"}}");
    WebElement stale = new WebDriverWait(browser, Duration.ofSeconds(5)).until(
        ExpectedConditions.visibilityOfElementLocated(By.id("edit-stale")));
    assertThat(stale.getText())
        .contains("ConfigMap app-config has changed since you began editing");
    assertThat(textContent(By.id("edit-changes"))).as("what the other change was")
        .contains("+   size: large\n").containsPattern("-   resourceVersion: \"\\d+\"\n");
    browser.findElement(By.id("save-yaml")).click();
    WebElement refused = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.id("edit-error")));
    assertThat(refused.getText()).isEqualTo("Operation cannot be fulfilled on configmaps"
        + " \"app-config\": the object has been modified; please apply your changes to the latest"
        + " version and try again");
    assertThat(browser.findElement(By.id("yaml-editor")).getDomProperty("value"))
        .as("the user's text is kept").contains("mode: green");
    screenshot("20-edit-conflict");
    assertThat(Http.json(Http.get(SERVER.api(path))).getJsonObject("data").getString("mode"))
        .as("nothing saved").isEqualTo("blue");

    browser.findElement(By.id("edit-latest")).click();
    waiting().until(driver -> driver.findElement(By.id("yaml-editor")).getDomProperty("value")
        .contains("size: large"));
    editor = browser.findElement(By.id("yaml-editor"));
    assertThat(browser.findElements(By.id("edit-stale"))).isEmpty();
    retype(editor, editor.getDomProperty("value").replace("mode: blue", "mode: green"));
    browser.findElement(By.id("save-yaml")).click();
    assertThat(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-saved")))
        .getText()).startsWith("Saved: ConfigMap app-config is at resourceVersion ");
    var data = Http.json(Http.get(SERVER.api(path))).getJsonObject("data");
    assertThat(data.getString("mode")).isEqualTo("green");
    assertThat(data.getString("size")).as("the other change kept").isEqualTo("large");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-yaml"),
        "mode: green"));
    screenshot("21-edit-saved");
  }

  @Test
  void aDeploymentIsRolledBackPausedAndRestartedFromItsPage() throws IOException {
    String namespace = SERVER.newNamespace();
    String deployment = "/apis/apps/v1/namespaces/" + namespace + "/deployments/web";
    String replicaSets = "/apis/apps/v1/namespaces/" + namespace + "/replicasets";
    kubectl(null, "create", "deployment", "web", "--image=nginx:1.27", "-n", namespace);
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> Http.json(Http.get(
        SERVER.api(replicaSets))).getJsonArray("items").size() == 1);
    kubectl(null, "set", "image", "deployment/web", "nginx=nginx:1.28", "-n", namespace);
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> Http.json(Http.get(
        SERVER.api(replicaSets))).getJsonArray("items").size() == 2);

    logInAsAdmin();
    chooseNamespace(namespace);
    open("Workloads");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("tr[data-deployment='web']"))).findElement(By.linkText("web")).click();
    By revision2 = By.cssSelector("#rollout-history tr[data-revision='2']");
    By revision1 = By.cssSelector("#rollout-history tr[data-revision='1']");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(revision2, "(current)"));
    assertThat(browser.findElement(revision2).getText()).contains("nginx:1.28");
    assertThat(browser.findElement(revision1).getText()).contains("nginx:1.27")
        .doesNotContain("(current)");
    browser.findElement(revision1).findElement(By.xpath(".//button[text()='Changes']")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("revision-diff-1")));
    assertThat(textContent(By.id("revision-diff-1")))
        .as("revision 1's template against the current")
        .contains("-   - image: nginx:1.27\n", "+   - image: nginx:1.28\n");

    browser.findElement(revision1).findElement(By.xpath(".//button[text()='Roll back to this']"))
        .click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    By revision3 = By.cssSelector("#rollout-history tr[data-revision='3']");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(revision3, "(current)"));
    assertThat(browser.findElement(revision3).getText()).contains("nginx:1.27");
    assertThat(Http.json(Http.get(SERVER.api(deployment))).getJsonObject("spec")
        .getJsonObject("template").getJsonObject("spec").getJsonArray("containers")
        .getJsonObject(0).getString("image")).isEqualTo("nginx:1.27");
    // as after kubectl rollout undo --to-revision=1: revision 1 is now revision 3
    assertThat(kubectl(null, "rollout", "history", "deployment/web", "-n", namespace).out())
        .containsPattern("\\n2 +<none>\\n3 +<none>\\n").doesNotContainPattern("\\n1 +<none>");

    browser.findElement(By.id("rollout-pause")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("rollout-paused")));
    assertThat(Http.json(Http.get(SERVER.api(deployment))).getJsonObject("spec")
        .getBoolean("paused", false)).isTrue();
    browser.findElement(By.id("rollout-resume")).click();
    waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("rollout-paused")));
    assertThat(Http.json(Http.get(SERVER.api(deployment))).getJsonObject("spec")
        .getBoolean("paused", false)).isFalse();

    retype(browser.findElement(By.id("scale-replicas")), "2");
    browser.findElement(By.id("scale-submit")).click();
    waiting().until(driver -> Http.json(Http.get(SERVER.api(deployment))).getJsonObject("spec")
        .getInt("replicas") == 2);

    browser.findElement(By.id("rollout-restart")).click();
    assertThat(waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.id("rollout-done"))).getText()).isEqualTo("deployment.apps/web restarted");
    assertThat(Http.json(Http.get(SERVER.api(deployment))).getJsonObject("spec")
        .getJsonObject("template").getJsonObject("metadata").getJsonObject("annotations")
        .getString("kubectl.kubernetes.io/restartedAt"))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("#rollout-history tr[data-revision='4']"), "(current)"));
    screenshot("22-deployment-rollout");
  }

  @Test
  void theWorkloadsViewShowsDaemonSetsJobsAndCronJobsAsKubectlGetDoes() throws IOException {
    String namespace = SERVER.newNamespace();
    kubectl("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              nodeSelector: {zone: a, disk: ssd}
              containers: [{name: agent, image: busybox:1.36}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            metadata: {labels: {report: nightly}}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: report, image: busybox:1.36, command: [echo, hi]}]
        """, "apply", "-n", namespace, "-f", "-");
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Workloads");
    By daemonSet = By.cssSelector("tr[data-daemonset='agent']");
    By cronJob = By.cssSelector("tr[data-cronjob='nightly']");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(cronJob));
    var kubectlDaemonSet = kubectlRow(kubectl(null, "get", "daemonset", "-n", namespace).out(),
        "agent");
    assertThat(browser.findElement(daemonSet).getText()).contains(
        kubectlDaemonSet.get("DESIRED"), kubectlDaemonSet.get("NODE SELECTOR"));
    assertThat(kubectlDaemonSet.get("NODE SELECTOR")).isEqualTo("disk=ssd,zone=a");
    var kubectlCronJob = kubectlRow(kubectl(null, "get", "cronjob", "-n", namespace).out(),
        "nightly");
    assertThat(browser.findElement(cronJob).getText()).contains("*/5 * * * *",
        kubectlCronJob.get("TIMEZONE"), kubectlCronJob.get("SUSPEND"),
        kubectlCronJob.get("LAST SCHEDULE"));

    browser.findElement(cronJob).findElement(By.xpath(".//button[text()='Suspend']")).click();
    waiting().until(driver -> Http.json(Http.get(SERVER.api("/apis/batch/v1/namespaces/"
        + namespace + "/cronjobs/nightly"))).getJsonObject("spec").getBoolean("suspend", false));
    waiting().until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(cronJob,
        By.xpath(".//button[text()='Resume']")));
    assertThat(browser.findElement(cronJob).getText()).contains("True");

    browser.findElement(cronJob).findElement(By.xpath(".//button[text()='Run now']")).click();
    By job = By.cssSelector("tr[data-job^='nightly-manual-']");
    WebElement jobRow = waiting().until(ExpectedConditions.visibilityOfElementLocated(job));
    String jobName = jobRow.findElement(By.tagName("a")).getText();
    var made = Http.json(Http.get(SERVER.api("/apis/batch/v1/namespaces/" + namespace
        + "/jobs/" + jobName))).getJsonObject("metadata");
    assertThat(made.getJsonObject("annotations").getString("cronjob.kubernetes.io/instantiate"))
        .isEqualTo("manual");
    assertThat(made.getJsonObject("labels").getString("report")).isEqualTo("nightly");
    assertThat(made.getJsonArray("ownerReferences").getJsonObject(0).getString("name"))
        .isEqualTo("nightly");
    var kubectlJob = kubectlRow(kubectl(null, "get", "jobs", "-n", namespace).out(), jobName);
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(job,
        kubectlJob.get("COMPLETIONS")));
    assertThat(browser.findElement(job).getText()).contains(kubectlJob.get("STATUS"));
    screenshot("23-workloads-kinds");

    browser.findElement(job).findElement(By.xpath(".//button[text()='Delete']")).click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    waiting().until(ExpectedConditions.invisibilityOfElementLocated(job));

    // the DaemonSet's revisions (ControllerRevisions) and a roll back, as kubectl rollout undo
    assertThat(kubectl(null, "set", "image", "ds/agent", "agent=busybox:1.37", "-n", namespace)
        .exitCode()).isZero();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(daemonSet))
        .findElement(By.linkText("agent")).click();
    By revision2 = By.cssSelector("#rollout-history tr[data-revision='2']");
    By revision1 = By.cssSelector("#rollout-history tr[data-revision='1']");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(revision2, "(current)"));
    assertThat(browser.findElement(revision2).getText()).contains("busybox:1.37");
    assertThat(browser.findElement(revision1).getText()).contains("busybox:1.36", "<none>")
        .doesNotContain("(current)");
    browser.findElement(revision1).findElement(By.xpath(".//button[text()='Changes']")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("revision-diff-1")));
    assertThat(textContent(By.id("revision-diff-1")))
        .contains("-   - image: busybox:1.36\n", "+   - image: busybox:1.37\n");
    browser.findElement(revision1).findElement(By.xpath(".//button[text()='Roll back to this']"))
        .click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    By revision3 = By.cssSelector("#rollout-history tr[data-revision='3']");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(revision3, "(current)"));
    assertThat(browser.findElement(revision3).getText()).contains("busybox:1.36");
    assertThat(browser.findElement(By.id("rollout-done")).getText())
        .isEqualTo("daemonset.apps/agent rolled back");
    assertThat(kubectl(null, "rollout", "history", "ds/agent", "-n", namespace).out())
        .containsPattern("\\n2 +<none>\\n3 +<none>\\n").doesNotContainPattern("\\n1 +<none>");
    screenshot("23b-daemonset-rollout");
  }

  @Test
  void objectsPastedAsYamlAreCreatedAsKubectlCreatesThemOrNoneIsCreated() throws IOException {
    String namespace = SERVER.newNamespace();
    String objects = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: pasted
        spec:
          selector: {matchLabels: {app: pasted}}
          template:
            metadata: {labels: {app: pasted}}
            spec:
              containers: [{name: web, image: nginx:1.27}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: pasted}
        spec:
          selector: {app: pasted}
          ports: [{port: 80}]
        """;
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Deploy");
    WebElement yaml = waiting().until(ExpectedConditions.elementToBeClickable(
        By.id("create-yaml-text")));
    // a refused object among them: the dry run stops all of them
    yaml.sendKeys(objects + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n");
    browser.findElement(By.id("create-yaml")).click();
    By results = By.id("create-results");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(results,
        "Nothing was created."));
    assertThat(browser.findElement(results).getText()).startsWith("document 3: ")
        .contains("metadata.name: Invalid value: \"Bad_Name\"");
    screenshot("24-create-yaml-refused");
    assertThat(Http.json(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments"))).getJsonArray("items")).isEmpty();
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services"))).getJsonArray("items")).isEmpty();

    retype(yaml, objects);
    browser.findElement(By.id("create-yaml")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(results,
        "service/pasted created"));
    // kubectl create -f - says the same of the same objects
    String elsewhere = SERVER.newNamespace();
    assertThat(browser.findElement(results).getText() + "\n")
        .isEqualTo(kubectl(objects, "create", "-n", elsewhere, "-f", "-").out());
    assertThat(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments/pasted")).statusCode()).isEqualTo(200);
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/services/pasted"))
        .statusCode()).isEqualTo(200);
    screenshot("25-create-yaml");

    // a Namespace and an object in it: the object is checked as it is created, after the Namespace
    String fresh = "it-pasted-" + Long.toHexString(System.nanoTime()).substring(4);
    retype(yaml, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + fresh
        + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: in-fresh\n  namespace: "
        + fresh + "\ndata: {a: b}\n");
    browser.findElement(By.id("create-yaml")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(results,
        "configmap/in-fresh created"));
    assertThat(browser.findElement(results).getText())
        .isEqualTo("namespace/" + fresh + " created\nconfigmap/in-fresh created");
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + fresh + "/configmaps/in-fresh"))
        .statusCode()).isEqualTo(200);
    Http.delete(SERVER.api("/api/v1/namespaces/" + fresh));
  }

  @Test
  void pastedYamlTheApiRefusesShowsEachErrorBesideTheLineOfItsField() throws IOException {
    String namespace = SERVER.newNamespace();
    String objects = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: fine
        data: {a: b}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: two-faults
        spec:
          containers:
          - name: web
            image: nginx:1.27
          - name: sidecar
            image: " "
            ports:
            - containerPort: 70000
        """;
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Deploy");
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("create-yaml-text")))
        .sendKeys(objects);
    browser.findElement(By.id("create-yaml")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("create-results"),
        "Nothing was created."));
    List<WebElement> errors = waiting().until(ExpectedConditions.visibilityOfAllElementsLocatedBy(
        By.cssSelector("#create-yaml-lines .line-error")));
    // each beside (right under) its line of the pasted text: lines 16 and 18
    assertThat(errors).extracting(e -> e.getAttribute("data-line")).containsExactly("16", "18");
    assertThat(errors.get(0).getText()).startsWith("spec.containers[1].image: ");
    assertThat(errors.get(1).getText())
        .isEqualTo("spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be"
            + " between 1 and 65535, inclusive");
    assertThat(textContent(By.cssSelector("#create-yaml-lines li[data-line='16'] code")))
        .isEqualTo("    image: \" \"");
    assertThat(textContent(By.cssSelector("#create-yaml-lines li[data-line='18'] code")))
        .isEqualTo("    - containerPort: 70000");
    // the messages are the API's, as kubectl gets them
    Kubectl.Result refused = Kubectl.against(SERVER).withInput(objects, "create", "--dry-run=server",
        "-n", namespace, "-f", "-");
    assertThat(refused.err()).contains(errors.get(0).getText(), errors.get(1).getText());
    screenshot("46-create-yaml-errors-by-line");
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/configmaps?fieldSelector=metadata.name%3Dfine"))).getJsonArray("items")).isEmpty();
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods"))).getJsonArray("items")).isEmpty();

    // a document the API cannot read as YAML: its syntax error beside the line the API names
    retype(browser.findElement(By.id("create-yaml-text")),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  a: b: c\n");
    browser.findElement(By.id("create-yaml")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("create-results"),
        "yaml: line "));
    WebElement results = browser.findElement(By.cssSelector("#create-results li.error"));
    assertThat(results.getText()).startsWith("yaml: line 6: ");
    WebElement syntax = browser.findElement(By.cssSelector("#create-yaml-lines .line-error"));
    assertThat(syntax.getAttribute("data-line")).isEqualTo("6");
    assertThat(syntax.getText()).isEqualTo(results.getText().substring("yaml: line 6: ".length()));
    assertThat(textContent(By.cssSelector("#create-yaml-lines li[data-line='6'] code")))
        .isEqualTo("  a: b: c");
  }

  @Test
  void anObjectsHistoryShowsTheDifferenceBetweenAnyTwoRevisions() throws IOException {
    String namespace = SERVER.newNamespace();
    String path = "/api/v1/namespaces/" + namespace + "/configmaps/palette";
    kubectl(null, "create", "configmap", "palette", "--from-literal=colour=red", "-n", namespace);
    kubectl(null, "patch", "configmap", "palette", "-n", namespace,
        "-p", "{\"data\":{\"colour\":\"green\"}}");
    kubectl(null, "patch", "configmap", "palette", "-n", namespace,
        "-p", "{\"data\":{\"size\":\"large\"}}");
    List<String> revisions = Http.json(Http.get(SERVER.api(path + "/history")))
        .getJsonArray("items").getValuesAs(jakarta.json.JsonObject.class).stream()
        .map(item -> item.getString("revision")).toList();
    assertThat(revisions).hasSize(3);
    logInAsAdmin();
    browser.get(consoleUrl() + "#/configmaps/" + namespace + "/palette");
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("history-toggle"))).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(
        By.cssSelector("#history-table tr[data-history-revision]"), 3));
    // by default the newest revision against the one before it
    assertThat(textContent(By.id("history-diff"))).contains("+   size: large\n")
        .doesNotContain("colour: red");

    // any two: the first against the newest
    browser.findElement(By.id("history-from-" + revisions.get(0))).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("history-compared"),
        "From revision " + revisions.get(0) + " (ADDED) to revision " + revisions.get(2)));
    assertThat(textContent(By.id("history-diff")))
        .contains("-   colour: red\n", "+   colour: green\n", "+   size: large\n");
    // and a later change shows up without a reload
    kubectl(null, "patch", "configmap", "palette", "-n", namespace,
        "-p", "{\"data\":{\"colour\":\"blue\"}}");
    waiting().withMessage(() -> "the history reads: " + browser.findElement(By.tagName("main"))
            .getText() + "; the API's: " + kubectl(null, "get", "--raw", "/api/v1/namespaces/"
            + namespace + "/configmaps/palette/history").out())
        .until(ExpectedConditions.numberOfElementsToBe(
            By.cssSelector("#history-table tr[data-history-revision]"), 4));
    screenshot("30-object-history");
  }

  @Test
  void theEventStreamShowsEventsAsTheyHappen() throws IOException {
    String namespace = SERVER.newNamespace();
    logInAsAdmin();
    chooseNamespace(namespace);
    open("Events");
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("events-stream"))).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-status"),
        "Live: 0 events"));
    recordWarning(namespace, "streamed.one", "ConfigMap", "v1", "streamed", "uid-1",
        "BackOff", "first occurrence");
    By line = By.cssSelector("#event-stream li[data-event='streamed.one']");
    WebElement first = new WebDriverWait(browser, Duration.ofSeconds(2)).until(
        ExpectedConditions.visibilityOfElementLocated(line));
    assertThat(first.getText()).contains(namespace, "Warning", "BackOff", "configmap/streamed",
        "first occurrence");
    // the same event again: a new line, with its count
    assertThat(Http.patch(SERVER.api("/api/v1/namespaces/" + namespace + "/events/streamed.one"),
        "application/merge-patch+json", "{\"count\":2,\"message\":\"second occurrence\"}")
        .statusCode()).isEqualTo(200);
    waiting().until(ExpectedConditions.numberOfElementsToBe(line, 2));
    assertThat(browser.findElements(line).get(0).getText()).contains("(x2)", "second occurrence");
    screenshot("31-event-stream");

    browser.findElement(By.id("stream-pause")).click();
    recordWarning(namespace, "streamed.two", "ConfigMap", "v1", "streamed", "uid-1",
        "BackOff", "while paused");
    waiting().until(ExpectedConditions.textToBe(By.id("stream-status"),
        "Paused: 1 event not shown"));
    assertThat(browser.findElements(By.cssSelector("#event-stream li"))).hasSize(2);
  }

  /** A Node no agent serves, so its pods stay as the test leaves them. */
  private static String hollowNode(String prefix) {
    String node = prefix + Long.toHexString(System.nanoTime()).substring(6);
    HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/nodes"), """
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"},
         "spec":{"taints":[{"key":"dedicated","value":"test","effect":"NoSchedule"}]},
         "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},
                   "allocatable":{"cpu":"3500m","memory":"7Gi","pods":"110"}}}""".formatted(node));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return node;
  }

  @Test
  void aNodeIsDrainedFromThePageAndItsPageListsItsPods() throws IOException {
    String node = hollowNode("drained-");
    String namespace = SERVER.newNamespace();
    try {
      for (String pod : List.of("first", "second")) {
        assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},
             "spec":{"nodeName":"%s","containers":[{"name":"c","image":"busybox:1.36"}]}}"""
            .formatted(pod, node)).statusCode()).isEqualTo(201);
      }
      logInAsAdmin();
      open("Nodes");
      By row = By.cssSelector("tr[data-node='" + node + "']");
      waiting().until(ExpectedConditions.textToBePresentInElementLocated(row,
          "dedicated=test:NoSchedule"));
      WebElement line = browser.findElement(row);
      assertThat(line.getText()).contains("3500m / 4", "7Gi / 8Gi", "<unknown>");
      waiting().until(ExpectedConditions.textToBe(
          By.cssSelector("tr[data-node='" + node + "'] a[aria-label='Pods on " + node + "']"), "2"));

      line.findElement(By.xpath(".//button[text()='Drain']")).click();
      waiting().until(ExpectedConditions.alertIsPresent()).accept();
      WebElement report = waiting().until(
          ExpectedConditions.visibilityOfElementLocated(By.id("nodes-report")));
      assertThat(report.getText()).startsWith("node/" + node + " cordoned\n")
          .contains("evicting pod " + namespace + "/first", "pod/second evicted")
          .endsWith("node/" + node + " drained");
      waiting().until(ExpectedConditions.textToBePresentInElementLocated(row,
          "SchedulingDisabled"));
      screenshot("32-node-drained");

      // evicted pods of a node whose agent does not answer wait there, Terminating
      browser.findElement(row).findElement(By.linkText(node)).click();
      waiting().until(ExpectedConditions.textToBe(By.id("object-title"), "Node " + node));
      // cordoned: the node lifecycle controller's taint beside the node's own, as on Kubernetes
      waiting().until(ExpectedConditions.textToBe(By.id("node-taints"),
          "dedicated=test:NoSchedule, node.kubernetes.io/unschedulable:NoSchedule"));
      assertThat(browser.findElement(By.cssSelector("tr[data-resource='cpu']")).getText())
          .isEqualTo("cpu 4 3500m");
      var kubectlPods = kubectl(null, "get", "pods", "-n", namespace).out();
      for (String pod : List.of("first", "second")) {
        By podRow = By.cssSelector("#node-pods tr[data-pod='" + pod + "']");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(podRow, "Terminating"));
        assertThat(kubectlRow(kubectlPods, pod).get("STATUS")).isEqualTo("Terminating");
      }
      screenshot("33-node-page");
    } finally {
      for (String pod : List.of("first", "second")) {
        Http.delete(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + pod),
            "{\"gracePeriodSeconds\":0}");
      }
      Http.delete(SERVER.api("/api/v1/nodes/" + node));
    }
  }

  @Test
  void theNodesViewShowsCpuAndMemoryInUseAsKubectlTopDoes() throws Exception {
    String node = startAgent();
    new WebDriverWait(browser, Duration.ofSeconds(90)).pollingEvery(Duration.ofSeconds(2))
        .until(driver -> Kubectl.against(SERVER).run("top", "node", node).exitCode() == 0);
    logInAsAdmin();
    open("Nodes");
    By row = By.cssSelector("tr[data-node='" + node + "']");
    waiting().until(ExpectedConditions.textMatches(
        By.cssSelector("tr[data-node='" + node + "'] td.node-cpu"),
        java.util.regex.Pattern.compile("\\d+m \\(\\d+%\\)")));
    assertThat(browser.findElement(row).findElement(By.cssSelector("td.node-memory")).getText())
        .matches("\\d+Mi \\(\\d+%\\)");
    var top = kubectlRow(kubectl(null, "top", "node", node).out(), node);
    assertThat(top.get("MEMORY(bytes)")).matches("\\d+Mi");
    screenshot("34-nodes-usage");
  }

  /** An unscheduled pod (no scheduler by that name) with the status a node agent would write. */
  private static void pendingPod(String namespace, String name, String labels, String spec,
      String status) {
    HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":%s},
         "spec":{"schedulerName":"nobody",%s}}""".formatted(name, labels, spec));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    if (status != null) {
      HttpResponse<String> written = Http.patch(SERVER.api("/api/v1/namespaces/" + namespace
          + "/pods/" + name + "/status"), "application/merge-patch+json",
          "{\"status\":" + status + "}");
      assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    }
  }

  @Test
  void podsAreFilteredByLabelSelectorAndTextAndShowKubectlsStatus() throws IOException {
    String namespace = SERVER.newNamespace();
    String container = "\"containers\":[{\"name\":\"app\",\"image\":\"busybox:1.36\"}]";
    pendingPod(namespace, "web-crashing", "{\"app\":\"web\",\"tier\":\"front\"}", container, """
        {"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"restartCount":4,
          "image":"busybox:1.36","imageID":"","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""");
    pendingPod(namespace, "web-starting", "{\"app\":\"web\",\"tier\":\"back\"}",
        "\"initContainers\":[{\"name\":\"setup\",\"image\":\"busybox:1.36\"}]," + container, """
        {"phase":"Pending","initContainerStatuses":[{"name":"setup","ready":false,"restartCount":0,
          "image":"busybox:1.36","imageID":"","state":{"running":{}}}]}""");
    pendingPod(namespace, "db", "{\"app\":\"db\"}", container, null);
    String finalized = "/api/v1/namespaces/" + namespace + "/pods/db";
    assertThat(Http.patch(SERVER.api(finalized), "application/merge-patch+json",
        "{\"metadata\":{\"finalizers\":[\"example.com/keep\"]}}").statusCode()).isEqualTo(200);
    Http.delete(SERVER.api(finalized));
    try {
      logInAsAdmin();
      chooseNamespace(namespace);
      open("Pods");
      waiting().until(ExpectedConditions.textToBe(By.id("pod-count"), "3 of 3 pods"));
      var kubectlPods = kubectl(null, "get", "pods", "-n", namespace).out();
      for (String pod : List.of("web-crashing", "web-starting", "db")) {
        assertThat(browser.findElement(By.cssSelector("tr[data-pod='" + pod + "'] td.pod-status"))
            .getText()).as(pod).isEqualTo(kubectlRow(kubectlPods, pod).get("STATUS"));
      }
      assertThat(kubectlRow(kubectlPods, "web-crashing").get("STATUS")).isEqualTo("CrashLoopBackOff");
      assertThat(kubectlRow(kubectlPods, "web-starting").get("STATUS")).isEqualTo("Init:0/1");
      assertThat(kubectlRow(kubectlPods, "db").get("STATUS")).isEqualTo("Terminating");

      WebElement selector = browser.findElement(By.id("pod-selector"));
      selector.sendKeys("app=web", org.openqa.selenium.Keys.ENTER);
      waiting().until(ExpectedConditions.textToBe(By.id("pod-count"), "2 of 2 pods"));
      assertThat(browser.findElements(By.cssSelector("tr[data-pod='db']"))).isEmpty();
      browser.findElement(By.id("pod-filter")).sendKeys("crash");
      waiting().until(ExpectedConditions.textToBe(By.id("pod-count"), "1 of 2 pods"));
      assertThat(browser.findElement(By.cssSelector("main tbody")).getText())
          .contains("web-crashing").doesNotContain("web-starting");
      screenshot("35-pods-filtered");

      // a selector the API cannot parse: its own words, as kubectl -l gets them
      retype(selector, "app in (web");
      selector.sendKeys(org.openqa.selenium.Keys.ENTER);
      String refused = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
          + "/pods?labelSelector=app%20in%20(web"))).getString("message");
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .withMessage(() -> "the page reads: " + browser.findElement(By.tagName("main"))
              .getText())
          .until(ExpectedConditions.textToBe(By.cssSelector("main .error"), refused));
    } finally {
      Http.patch(SERVER.api(finalized), "application/merge-patch+json",
          "{\"metadata\":{\"finalizers\":null}}");
    }
  }

  /** The page's controls no label, aria-label, aria-labelledby or text names. */
  @SuppressWarnings("unchecked")
  private List<String> unlabelledControls() {
    return (List<String>) ((JavascriptExecutor) browser).executeScript("""
        return [...document.querySelectorAll('input, select, textarea, button')]
          .filter((c) => c.type !== 'hidden')
          .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
            && !c.getAttribute('aria-labelledby') && !(c.tagName === 'BUTTON' && c.textContent.trim()))
          .map((c) => c.outerHTML.slice(0, 120));""");
  }

  private static final List<String> SECTIONS = List.of("Overview", "Nodes", "Workloads", "Pods",
      "Services", "ConfigMaps", "Secrets", "Events", "Deploy");

  @Test
  void theConsoleIsUsedByKeyboardAloneAndEveryControlIsLabelled() {
    browser.get(consoleUrl());
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("token")));
    assertThat(unlabelledControls()).as("the login page").isEmpty();
    type(org.openqa.selenium.Keys.TAB.toString());
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("token");
    type(System.getProperty("it.admin.token") + org.openqa.selenium.Keys.TAB
        + org.openqa.selenium.Keys.ENTER);
    waiting().until(ExpectedConditions.textToBe(By.id("user"), "it-admin"));

    // the first Tab offers to skip to the content; then the sections, one Tab each
    type(org.openqa.selenium.Keys.TAB.toString());
    assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to content");
    for (int tabs = 0; tabs < 10 && !browser.switchTo().activeElement().getText().equals("Nodes");
        tabs++) {
      type(org.openqa.selenium.Keys.TAB.toString());
    }
    type(org.openqa.selenium.Keys.ENTER.toString());
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("nodes-title")));
    assertThat(browser.getCurrentUrl()).endsWith("#/nodes");

    for (String section : SECTIONS) {
      open(section);
      waiting().until(ExpectedConditions.attributeToBe(By.linkText(section), "aria-current",
          "page"));
      assertThat(unlabelledControls()).as(section).isEmpty();
    }
    open("Events");
    browser.findElement(By.id("events-stream")).click();
    assertThat(unlabelledControls()).as("the event stream").isEmpty();
  }

  @Test
  void everyViewFitsTheScreenAt1366AndAt390PixelsWide() throws IOException {
    logInAsAdmin();
    for (int width : new int[] {1366, 390}) {
      browser.manage().window().setSize(new Dimension(width, width == 390 ? 844 : 800));
      for (String section : SECTIONS) {
        open(section);
        waiting().until(ExpectedConditions.attributeToBe(By.linkText(section), "aria-current",
            "page"));
        // wide tables scroll inside their own frame; the page itself never scrolls sideways
        Number overflow = (Number) ((JavascriptExecutor) browser).executeScript(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow.intValue()).as(section + " at " + width + " px").isLessThanOrEqualTo(0);
        assertThat(browser.findElement(By.linkText("Nodes")).isDisplayed()).isTrue();
        if (width == 390) {
          screenshot("40-narrow-" + section.toLowerCase());
        }
      }
    }
  }

  @Test
  void aTokenRevokedDuringTheSessionReturnsToTheLoginPageWithTheReason() throws IOException {
    String namespace = SERVER.newNamespace();
    Kubectl admin = Kubectl.against(SERVER);
    for (String[] step : new String[][] {
        {"create", "serviceaccount", "leaving", "-n", namespace},
        {"create", "rolebinding", "leaving-view", "--clusterrole=view",
            "--serviceaccount=" + namespace + ":leaving", "-n", namespace}}) {
      Kubectl.Result result = admin.run(step);
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
    String token = admin.run("create", "token", "leaving", "-n", namespace).out().strip();
    logIn(token);
    waiting().until(ExpectedConditions.textToBe(By.id("user"),
        "system:serviceaccount:" + namespace + ":leaving"));
    chooseNamespace(namespace);
    open("Pods");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("pods-title")));
    // the account goes: its tokens no longer authenticate
    assertThat(admin.run("delete", "serviceaccount", "leaving", "-n", namespace).exitCode())
        .isZero();
    try {
      open("Workloads");
    } catch (org.openqa.selenium.StaleElementReferenceException
        | org.openqa.selenium.NoSuchElementException loggedOutAlready) {
      // the Pods view's own watch met the refusal first and the login page is up: as a user's
      // next click would find it
    }
    WebElement reason = waiting().until(
        ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    HttpResponse<String> refused = Http.getWithToken(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods"), token);
    assertThat(refused.statusCode()).isEqualTo(401);
    String message = Http.json(refused).getString("message");
    assertThat(reason.getText()).isEqualTo(message.equals("Unauthorized")
        ? "The API refused the token (401 Unauthorized)." : message);
    assertThat(browser.findElements(By.cssSelector("nav"))).isEmpty();
    screenshot("36-token-revoked");
  }
}
