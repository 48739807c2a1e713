package dev.capstan.api.objects;

import dev.capstan.api.options.MetaOptions;
import dev.capstan.api.options.QueryValues;
import dev.capstan.api.status.ApiException;
import dev.capstan.api.status.Statuses;
import dev.capstan.api.table.Tables;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ListQuery;
import dev.capstan.store.ObjectStore;
import dev.capstan.watch.ChangeFeed;
import dev.capstan.watch.ChangeLog;
import dev.capstan.watch.Subscription;
import dev.capstan.watch.WatchFilter;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves every watch of this server without a thread per watch (see {@link Watch}): a few
 * writer threads take the watches that have something to write from one ready queue, in turn,
 * each writing a bounded turn, so one client's flood of events delays others by at most one
 * turn per watch; one scheduler thread fires timeouts and bookmarks.
 *
 * <p>Each user may hold {@code capstan.watch.max-per-user} watches at once (default 1000); one
 * more is answered 429 with a {@code Retry-After}, as kube-apiserver's max-in-flight filter
 * answers, so one client cannot take the server's sockets and memory from the others.
 * {@code capstan.watch.writers} (default 2) sets the writer threads.
 */
@ApplicationScoped
public class Watchers {

  private static final Logger LOG = Logger.getLogger(Watchers.class.getName());
  private static final long BOOKMARK_MILLIS = 60_000;
  /** kube-apiserver's --min-request-timeout: a watch without timeoutSeconds lasts 1 to 2 times it. */
  private static final long MIN_REQUEST_TIMEOUT_MILLIS = 1_800_000;
  private static final int RETRY_AFTER_SECONDS = 1;

  @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
  private ManagedThreadFactory threadFactory;

  @Inject
  private ObjectEndpoint endpoint;

  @Inject
  private ObjectStore store;

  @Inject
  private ChangeFeed feed;

  @Inject
  private ChangeLog changeLog;

  @Inject
  private Tables tables;

  private final BlockingQueue<Watch> ready = new LinkedBlockingQueue<>();
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final Map<Watch, List<ScheduledFuture<?>>> timers = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, AtomicLong> ends = new ConcurrentHashMap<>();
  private final List<Thread> writers = new ArrayList<>();
  private ScheduledThreadPoolExecutor scheduler;
  private int maxPerUser;
  private volatile boolean running = true;

  @PostConstruct
  void start() {
    maxPerUser = Integer.getInteger("capstan.watch.max-per-user", 1_000);
    scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = threadFactory.newThread(runnable);
      thread.setName("capstan-watch-timers");
      return thread;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    for (int i = 0; i < Integer.getInteger("capstan.watch.writers", 2); i++) {
      Thread writer = threadFactory.newThread(this::write);
      writer.setName("capstan-watch-writer-" + i);
      writers.add(writer);
      writer.start();
    }
  }

  @PreDestroy
  void stop() {
    running = false;
    writers.forEach(Thread::interrupt);
    scheduler.shutdownNow();
  }

  /**
   * {@code ?watch=1} on a collection. Either answers at once (a refused WebSocket upgrade, a
   * bad request, too many watches: the response to resume with), or takes the response over and
   * answers nothing (empty).
   */
  Optional<Response> open(Target target, RequestOptions options, String user,
      HttpServletRequest request, HttpServletResponse response) {
    if (options.webSocketUpgrade()) {
      // Watches stream over plain HTTP. Clients that try a WebSocket first (fabric8) fall back
      // to HTTP streaming on a 200 or a 503, as behind `kubectl proxy`; a 503 also sets off their
      // retries with exponential back-off (about 20 s), so the answer is a short 200 that fails
      // the handshake at once.
      return Optional.of(Response.ok(Statuses.failure(200, "WebSocketNotSupported",
              "watch is not served over WebSocket; use HTTP streaming").toString())
          .type(MediaType.APPLICATION_JSON_TYPE).build());
    }
    endpoint.requireStore();
    ListQuery query = endpoint.listQuery(target, options);
    Optional<Long> from = MetaOptions.resourceVersion(options.query());
    long timeoutSeconds = Math.min(QueryValues.int64(options.query(), "timeoutSeconds")
        .orElse(0), TimeUnit.DAYS.toSeconds(365));
    long timeoutMillis = timeoutSeconds > 0
        ? TimeUnit.SECONDS.toMillis(timeoutSeconds)
        : (long) (MIN_REQUEST_TIMEOUT_MILLIS * (1 + ThreadLocalRandom.current().nextDouble()));
    Optional<Optional<String>> table = options.wantsTable()
        ? Optional.of(options.param("includeObject")) : Optional.empty();
    if (!admit(user)) {
      return Optional.of(Response.status(429)
          .header("Retry-After", RETRY_AFTER_SECONDS)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Statuses.tooManyRequests("Too many requests, please try again later: user \""
              + user + "\" has " + maxPerUser + " open watches, the most one user may hold",
              RETRY_AFTER_SECONDS).toString())
          .build());
    }
    Watch watch = new Watch(target.type(), table, tables, user, this);
    open.incrementAndGet();
    Subscription subscription = null;
    try {
      AsyncContext async = request.getAsyncContext();
      subscription = feed.subscribe(new WatchFilter(query.apiGroup(), query.kind(),
          query.namespace(), query.labels(), query.fields()), watch::wake);
      List<ScheduledFuture<?>> scheduled = new ArrayList<>(2);
      scheduled.add(scheduler.schedule(watch::timeOut, timeoutMillis, TimeUnit.MILLISECONDS));
      if (options.flag("allowWatchBookmarks")) {
        scheduled.add(scheduler.scheduleAtFixedRate(watch::bookmark, BOOKMARK_MILLIS,
            BOOKMARK_MILLIS, TimeUnit.MILLISECONDS));
      }
      timers.put(watch, scheduled);
      watch.start(subscription, async, response, store, changeLog, query, from);
      return Optional.empty();
    } catch (RuntimeException e) {
      // before the watch took the response over: release what it holds, answer with a Status
      if (subscription != null) {
        subscription.close();
      }
      released(watch);
      if (e instanceof ApiException) {
        throw e;
      }
      LOG.log(Level.FINE, "A watch could not read its starting point", e);
      throw Statuses.serviceUnavailable("the cluster state store did not answer in time; retry");
    }
  }

  /** Watches open on this server. */
  public int openWatches() {
    return open.get();
  }

  /** Change-feed subscriptions open on this server (watches and any other subscriber). */
  public int subscriptions() {
    return feed.subscriptionCount();
  }

  /** How many watches ended, by reason (timeout, client-gone, too-slow, gone, ...). */
  public Map<String, Long> endedWatches() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    ends.forEach((reason, count) -> counts.put(reason, count.get()));
    return counts;
  }

  void ended(String reason) {
    ends.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  long dispatchedRevision() {
    return feed.dispatchedRevision();
  }

  /** Puts a watch on the ready queue (see {@link Watch#wake()}). */
  void ready(Watch watch) {
    ready.add(watch);
  }

  /** A watch ended: its timers, its place in its user's count. */
  void released(Watch watch) {
    List<ScheduledFuture<?>> scheduled = timers.remove(watch);
    if (scheduled != null) {
      scheduled.forEach(future -> future.cancel(false));
    }
    open.decrementAndGet();
    perUser.computeIfPresent(watch.user(), (name, count) ->
        count.decrementAndGet() <= 0 ? null : count);
  }

  private boolean admit(String user) {
    boolean[] admitted = {false};
    perUser.compute(user, (name, count) -> {
      AtomicInteger current = count == null ? new AtomicInteger() : count;
      if (current.get() < maxPerUser) {
        current.incrementAndGet();
        admitted[0] = true;
      }
      return current.get() == 0 ? null : current;
    });
    return admitted[0];
  }

  /** A writer thread: takes the next ready watch and gives it one turn, round-robin. */
  private void write() {
    while (running) {
      try {
        ready.take().runTurn();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "A watch's turn failed", e);
      }
    }
  }

  static boolean isWatch(Target target, String watchParameter) {
    return watchParameter != null && !watchParameter.equalsIgnoreCase("false")
        && !watchParameter.equals("0")
        && target.isCollection() && target.subresource().isEmpty()
        && target.type() != ResourceTypes.COMPONENT_STATUS;
  }
}
