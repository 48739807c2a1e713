package dev.capstan.agent.credentials;

import dev.capstan.agent.credentials.CredentialIssuer.Refused;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * The node's own credential, kept and renewed as the kubelet keeps its client certificate
 * ({@code --bootstrap-kubeconfig}, {@code rotateCertificates}):
 *
 * <ul>
 *   <li>at start, the credential kept in the state directory ({@link CredentialFile}) is used
 *       as long as it is valid, so a restarted agent is the same node with the same identity
 *       and asks nobody; only without one (first start, or it ended) is the bootstrap token
 *       shown for a new one;
 *   <li>it is renewed with itself at a random point between 70 % and 90 % of its lifetime, the
 *       new one kept before it is used;
 *   <li>when the API refuses it (401: revoked, the installation's keys changed, it ended while
 *       the machine slept), the bootstrap token is shown again for a new one, at most every few
 *       seconds; without a bootstrap token the agent can only report it.
 * </ul>
 *
 * <p>Asking happens on one thread of its own (renewals) or on the caller's (start, refusals);
 * the token is read without locks.
 */
public final class CredentialManager implements CredentialSource, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CredentialManager.class.getName());
  static final Duration FIRST_RETRY = Duration.ofSeconds(2);
  static final Duration LAST_RETRY = Duration.ofMinutes(1);
  /** After a refusal, how long before the bootstrap token is shown again. */
  static final Duration REFUSAL_PAUSE = Duration.ofSeconds(5);

  private final CredentialFile file;
  private final CredentialIssuer issuer;
  private final Optional<String> bootstrap;
  private final Clock clock;
  private final DoubleSupplier jitter;
  private final ScheduledExecutorService renewals;
  private volatile NodeCredential current;
  private Instant lastBootstrap = Instant.MIN;
  private ScheduledFuture<?> renewal;
  private Duration retry = FIRST_RETRY;

  public CredentialManager(CredentialFile file, CredentialIssuer issuer,
      Optional<String> bootstrap, Clock clock, DoubleSupplier jitter) {
    this.file = file;
    this.issuer = issuer;
    this.bootstrap = bootstrap.filter(token -> !token.isBlank());
    this.clock = clock;
    this.jitter = jitter;
    this.renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "capstan-node-credential");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Has a valid credential once this returns: the one kept, or one the bootstrap token is
   * given, asking again (2 s doubling to a minute) while the API cannot be reached or refuses.
   *
   * @throws IllegalStateException when there is no valid credential kept and no bootstrap token
   */
  public void start() throws InterruptedException {
    Optional<NodeCredential> kept;
    try {
      kept = file.read();
    } catch (IOException e) {
      LOG.warning(() -> "Cannot read the node's credential " + file.path() + ": " + e);
      kept = Optional.empty();
    }
    Instant now = clock.instant();
    if (kept.isPresent() && kept.get().validAt(now)) {
      NodeCredential found = kept.get();
      LOG.info(() -> "Uses the node's credential kept in " + file.path() + ", valid until "
          + found.expires());
      use(found);
      return;
    }
    kept.ifPresent(ended -> LOG.info(() -> "The node's credential in " + file.path()
        + " ended at " + ended.expires() + "; asking for a new one"));
    if (bootstrap.isEmpty()) {
      throw new IllegalStateException("no valid credential in " + file.path()
          + " and no bootstrap token to ask for one (CAPSTAN_BOOTSTRAP_TOKEN_FILE)");
    }
    Duration wait = FIRST_RETRY;
    while (true) {
      try {
        replace(issuer.request(bootstrap.get()), "with the bootstrap token");
        return;
      } catch (Refused e) {
        Duration next = wait;
        LOG.warning(() -> "The API refused the bootstrap token (" + e.getMessage()
            + "); asking again in " + next.toSeconds() + " s");
      } catch (IOException e) {
        Duration next = wait;
        LOG.warning(() -> "Cannot ask the API for the node's credential (" + e.getMessage()
            + "); asking again in " + next.toSeconds() + " s");
      }
      TimeUnit.MILLISECONDS.sleep(wait.toMillis());
      wait = longer(wait);
    }
  }

  @Override
  public String token() {
    return current.token();
  }

  /** The credential in use. */
  public NodeCredential current() {
    return current;
  }

  @Override
  public synchronized boolean refused(String used) {
    if (!used.equals(current.token())) {
      return true; // replaced since that request left
    }
    if (bootstrap.isEmpty()) {
      LOG.warning(() -> "The API refused the node's credential (valid until "
          + current.expires() + ") and there is no bootstrap token to ask for another");
      return false;
    }
    Instant now = clock.instant();
    if (now.isBefore(lastBootstrap.plus(REFUSAL_PAUSE))) {
      return false;
    }
    lastBootstrap = now;
    try {
      replace(issuer.request(bootstrap.get()),
          "with the bootstrap token, as the API refused the one before");
      return true;
    } catch (Refused e) {
      LOG.warning(() -> "The API refused the node's credential and the bootstrap token ("
          + e.getMessage() + ")");
    } catch (IOException e) {
      LOG.warning(() -> "The API refused the node's credential; cannot ask for another ("
          + e.getMessage() + ")");
    }
    return false;
  }

  /** Renews the credential with itself, before it ends. */
  void renew() {
    NodeCredential using = current;
    try {
      replace(issuer.request(using.token()), "with its own, before it ends at "
          + using.expires());
      return;
    } catch (Refused e) {
      LOG.warning(() -> "The API refused to renew the node's credential (" + e.getMessage()
          + ")");
      if (refused(using.token()) && current != using) {
        return;
      }
    } catch (IOException e) {
      LOG.warning(() -> "Cannot renew the node's credential (" + e.getMessage() + ")");
    }
    Duration wait = retry;
    retry = longer(retry);
    schedule(clock.instant().plus(wait));
  }

  private synchronized void replace(NodeCredential credential, String how) {
    try {
      file.write(credential);
    } catch (IOException e) {
      LOG.warning(() -> "Cannot keep the node's credential in " + file.path() + " (" + e
          + "); a restart will ask for another");
    }
    LOG.info(() -> "Got a new credential of the node " + how + ", valid until "
        + credential.expires());
    retry = FIRST_RETRY;
    use(credential);
  }

  private synchronized void use(NodeCredential credential) {
    current = credential;
    schedule(credential.rotationDeadline(jitter.getAsDouble()));
  }

  private synchronized void schedule(Instant when) {
    if (renewal != null) {
      renewal.cancel(false);
    }
    if (renewals.isShutdown()) {
      return;
    }
    long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
    renewal = renewals.schedule(this::renew, delay, TimeUnit.MILLISECONDS);
  }

  private static Duration longer(Duration wait) {
    Duration doubled = wait.multipliedBy(2);
    return doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
  }

  @Override
  public void close() {
    renewals.shutdownNow();
  }
}
