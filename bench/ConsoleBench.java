import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in Debian's headless Chromium (Selenium and ChromeDriver, as ConsoleIT), against
 * a running control plane: prints figures, asserts nothing.
 *
 * <ol>
 *   <li>First visit with an empty cache: what the browser downloads (the Resource Timing API's
 *       transfer and body sizes) and how long from opening the URL to the login page, and from
 *       submitting the token to an overview with its figures (the console's own performance marks).
 *   <li>A namespace of N pods that stay Pending (a scheduler that does not exist, so no node and no
 *       Docker are needed): the Pods view's list render, from the view's first render to its list
 *       painted ({@code capstan:pods-list}), several times.
 *   <li>While every pod's status changes (N writes to {@code pods/status} by 8 clients): the
 *       page's long tasks and timer lag, how long typing into the filter takes to show its result,
 *       and how long until every row shows its new status.
 * </ol>
 *
 * Usage: java -cp SELENIUM_CLASSPATH bench/ConsoleBench.java HTTPS_BASE HTTP_BASE TOKEN [PODS=1000]
 */
public class ConsoleBench {

  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static String api;
  static String token;

  public static void main(String[] args) throws Exception {
    String console = args[0] + "/console/";
    api = args[1];
    token = args[2];
    int pods = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    String namespace = "bench-console-" + Long.toHexString(System.currentTimeMillis()).substring(4);

    send("POST", "/api/v1/namespaces", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace + "\"}}", 201);
    long created = parallel(pods, i -> send("POST", "/api/v1/namespaces/" + namespace + "/pods", "application/json", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"pod-%04d","labels":{"app":"bench","shard":"s%d"}},
         "spec":{"schedulerName":"no-such-scheduler","containers":[{"name":"app","image":"capstan/busybox:1"}]}}"""
        .formatted(i, i % 10), 201));
    System.out.printf("created %d Pending pods in %s: %.1f s%n", pods, namespace, created / 1000.0);

    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    service.start();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.setAcceptInsecureCerts(true);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory("console-bench"));
    ChromeDriver browser = new ChromeDriver(service, options);
    try {
      browser.manage().window().setSize(new Dimension(1366, 800));
      JavascriptExecutor js = browser;
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

      // 1. the first visit, nothing cached
      browser.get(console);
      wait.until(ExpectedConditions.elementToBeClickable(By.id("token")));
      @SuppressWarnings("unchecked")
      Map<String, Object> visit = (Map<String, Object>) js.executeScript("""
          const nav = performance.getEntriesByType('navigation')[0];
          const files = [nav, ...performance.getEntriesByType('resource')]
            .filter((e) => new URL(e.name).pathname.startsWith('/console/'));
          const sum = (f) => files.reduce((s, e) => s + (e[f] || 0), 0);
          return { files: files.length, transfer: sum('transferSize'), encoded: sum('encodedBodySize'),
                   decoded: sum('decodedBodySize'), names: files.map((e) => new URL(e.name).pathname).join(' '),
                   loginShown: performance.now(), domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };""");
      System.out.printf("first visit: %s files (%s), %.1f KB transferred, bodies %.1f KB as sent, %.1f KB decoded%n",
          visit.get("files"), visit.get("names"), kb(visit.get("transfer")), kb(visit.get("encoded")), kb(visit.get("decoded")));
      System.out.printf("opening the URL: DOMContentLoaded %.0f ms, load %.0f ms, login form ready by %.0f ms%n",
          num(visit.get("domContentLoaded")), num(visit.get("load")), num(visit.get("loginShown")));
      browser.findElement(By.id("token")).sendKeys(token);
      browser.findElement(By.cssSelector("button[type=submit]")).click();
      wait.until(ExpectedConditions.textMatches(By.cssSelector("#nodes-ready .figure"), java.util.regex.Pattern.compile("\\d+ / \\d+")));
      wait.until(d -> js.executeScript("return performance.getEntriesByName('capstan:overview-rendered').length") instanceof Number n && n.intValue() > 0);
      double submitted = num(js.executeScript("return performance.getEntriesByName('capstan:login-submitted')[0].startTime"));
      double overview = num(js.executeScript("return performance.getEntriesByName('capstan:overview-rendered')[0].startTime"));
      System.out.printf("token submitted -> overview with its figures: %.0f ms (opening the URL -> logged-in overview without the typing: %.0f ms)%n",
          overview - submitted, num(visit.get("loginShown")) + overview - submitted);
      // a logged-in tab opened again (token in sessionStorage, files cached)
      browser.navigate().refresh();
      wait.until(d -> js.executeScript("return performance.getEntriesByName('capstan:overview-rendered').length") instanceof Number n && n.intValue() > 0);
      System.out.printf("a logged-in tab reloaded (files cached) -> overview with its figures: %.0f ms%n",
          num(js.executeScript("return performance.getEntriesByName('capstan:overview-rendered')[0].startTime")));

      // 2. the pods list
      new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("namespace")))).selectByValue(namespace);
      List<Double> firstRows = new ArrayList<>();
      List<Double> renders = new ArrayList<>();
      List<Double> paints = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        browser.findElement(By.linkText("Overview")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-title")));
        js.executeScript("performance.clearMeasures('capstan:pods-list'); performance.clearMeasures('capstan:pods-render');"
            + " performance.clearMeasures('capstan:pods-first-rows')");
        browser.findElement(By.linkText("Pods")).click();
        wait.until(ExpectedConditions.textToBe(By.id("pod-count"), pods + " of " + pods + " pods"));
        wait.until(d -> js.executeScript("return performance.getEntriesByName('capstan:pods-list').length") instanceof Number n && n.intValue() > 0);
        firstRows.add(num(js.executeScript("return performance.getEntriesByName('capstan:pods-first-rows')[0].duration")));
        renders.add(num(js.executeScript("return performance.getEntriesByName('capstan:pods-list')[0].duration")));
        paints.add(num(js.executeScript("return performance.getEntriesByName('capstan:pods-render')[0].duration")));
      }
      System.out.printf("Pods view, %d pods: first rows (a page of 250) fetched and painted in %s ms (first, then 3 more visits)%n", pods,
          firstRows.stream().map(d -> String.format("%.0f", d)).toList());
      System.out.printf("Pods view, %d pods: whole list fetched and rendered in %s ms (first, then 3 more visits)%n", pods,
          renders.stream().map(d -> String.format("%.0f", d)).toList());
      System.out.printf("  of which rendering and painting the list once it had arrived: %s ms%n",
          paints.stream().map(d -> String.format("%.0f", d)).toList());
      Number rows = (Number) js.executeScript("return document.querySelectorAll('main tbody tr').length");
      System.out.printf("rows on the page: %d (the rest on further pages)%n", rows.intValue());

      // 2b. live: a Deployment made through the API (as kubectl makes it) appearing in the open
      // Workloads view, from the create's answer to its row painted; five of them
      browser.findElement(By.linkText("Workloads")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("workloads-title")));
      List<Double> appearances = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Thread.sleep(500);
        String name = "live-" + i;
        send("POST", "/apis/apps/v1/namespaces/" + namespace + "/deployments", "application/json", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
             "spec":{"replicas":0,"selector":{"matchLabels":{"app":"%s"}},
              "template":{"metadata":{"labels":{"app":"%s"}},
               "spec":{"containers":[{"name":"app","image":"capstan/busybox:1"}]}}}}""".formatted(name, name, name), 201);
        long answered = System.nanoTime();
        new WebDriverWait(browser, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(10)).until(
            ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-deployment='" + name + "']")));
        appearances.add((System.nanoTime() - answered) / 1e6);
      }
      System.out.printf("a Deployment created through the API -> its row in the open Workloads view: %s ms%n",
          appearances.stream().map(d -> String.format("%.0f", d)).toList());
      browser.findElement(By.linkText("Pods")).click();
      wait.until(ExpectedConditions.textToBe(By.id("pod-count"), pods + " of " + pods + " pods"));

      // 3. responsiveness while every pod changes
      js.executeScript("""
          window.bench = { longTasks: [], lag: 0 };
          new PerformanceObserver((l) => window.bench.longTasks.push(...l.getEntries().map((e) => e.duration)))
            .observe({ type: 'longtask', buffered: false });
          let last = performance.now();
          window.bench.timer = setInterval(() => { const now = performance.now();
            window.bench.lag = Math.max(window.bench.lag, now - last - 50); last = now; }, 50);""");
      long stormStart = System.nanoTime();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Long> storm = pool.submit(() -> parallel(pods, i -> send("PATCH",
          "/api/v1/namespaces/" + namespace + "/pods/" + "pod-%04d".formatted(i) + "/status", "application/merge-patch+json",
          "{\"status\":{\"containerStatuses\":[{\"name\":\"app\",\"ready\":false,\"restartCount\":0,\"image\":\"capstan/busybox:1\",\"imageID\":\"\",\"state\":{\"waiting\":{\"reason\":\"ContainerCreating\"}}}]}}", 200)));
      List<Double> filterTimes = new ArrayList<>();
      String[] filters = {"pod-01", "pod-002", "", "pod-05", ""};
      for (String filter : filters) {
        Thread.sleep(300);
        // typing into the filter: from the input event to the count showing its result, painted
        filterTimes.add(num(browser.executeAsyncScript("""
            const done = arguments[arguments.length - 1];
            const input = document.getElementById('pod-filter');
            const count = document.getElementById('pod-count');
            const before = count.textContent;
            const start = performance.now();
            input.value = arguments[0];
            input.dispatchEvent(new Event('input', { bubbles: true }));
            const check = () => { if (count.textContent !== before || performance.now() - start > 5000)
              requestAnimationFrame(() => done(performance.now() - start)); else requestAnimationFrame(check); };
            requestAnimationFrame(check);""", filter)));
      }
      long written = storm.get();
      pool.shutdown();
      wait.until(ExpectedConditions.textToBe(By.id("pod-count"), pods + " of " + pods + " pods"));
      new WebDriverWait(browser, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(100)).until(d -> (js.executeScript(
          "const cells = [...document.querySelectorAll('td.pod-status')];"
          + "return cells.length > 0 && cells.every((c) => c.textContent === 'ContainerCreating')")).equals(Boolean.TRUE));
      double allShown = (System.nanoTime() - stormStart) / 1e6;
      @SuppressWarnings("unchecked")
      Map<String, Object> stats = (Map<String, Object>) js.executeScript("""
          clearInterval(window.bench.timer);
          const t = window.bench.longTasks;
          return { count: t.length, longest: t.length ? Math.max(...t) : 0,
                   blocked: t.reduce((s, d) => s + Math.max(0, d - 50), 0), lag: window.bench.lag };""");
      System.out.printf("%d status writes by 8 clients in %.1f s; every row on the page showed its new status %.1f s after the first write%n",
          pods, written / 1000.0, allShown / 1000.0);
      System.out.printf("meanwhile: %s long tasks (longest %.0f ms, %.0f ms blocked in all), timer lag at most %.0f ms; "
          + "typing into the filter to its result painted: %s ms%n", stats.get("count"), num(stats.get("longest")),
          num(stats.get("blocked")), num(stats.get("lag")), filterTimes.stream().map(d -> String.format("%.0f", d)).toList());
    } finally {
      browser.quit();
      service.stop();
      send("DELETE", "/api/v1/namespaces/" + namespace, null, null, 200);
    }
  }

  interface Call {
    void run(int i) throws Exception;
  }

  /** Runs i = 0..n-1 on 8 threads; the milliseconds it took. */
  static long parallel(int n, Call call) throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      workers.add(pool.submit(() -> {
        for (int i; (i = next.getAndIncrement()) < n; ) {
          call.run(i);
        }
        return null;
      }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    pool.shutdown();
    return (System.nanoTime() - start) / 1_000_000;
  }

  static void send(String method, String path, String type, String body, int expected) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60));
    if (type != null) {
      request.header("Content-Type", type);
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
  }

  static double num(Object value) {
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  static double kb(Object bytes) {
    return num(bytes) / 1000;
  }
}
