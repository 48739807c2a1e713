package dev.capstan.store.encryption;

import dev.capstan.store.entity.ObjectKey;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The server's encryption at rest: the {@link EncryptionConfiguration} in the file named by the
 * system property {@value #CONFIG_PROPERTY} ({@code bin/capstan up} writes it under the
 * installation's secrets), applied by the object store to every body it writes and reads.
 *
 * <p>Lifecycle: read at deployment; an invalid file stops the deployment with one log line
 * naming the problem, so a server never runs with Secrets half-encrypted. Without the property
 * nothing is encrypted (kube-apiserver without {@code --encryption-provider-config}). The file
 * is read again when it changes (looked at no more than once a second), as kube-apiserver's
 * automatic reload: every server reading the same file uses the same keys within a second, which
 * is what key rotation ({@code bin/capstan secrets rotate-key}) waits for between its steps. A
 * changed file that is invalid is logged and ignored: the server keeps the keys it has.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class EncryptionAtRest {

  public static final String CONFIG_PROPERTY = "capstan.encryption.config";
  private static final Logger LOG = Logger.getLogger(EncryptionAtRest.class.getName());
  private static final long RECHECK_NANOS = 1_000_000_000L;

  private Path path;
  private volatile BodyTransformer transformer;
  private volatile Object loadedVersion;
  private volatile long checkedAt;

  @PostConstruct
  void load() {
    String configured = System.getProperty(CONFIG_PROPERTY, "");
    if (configured.isBlank()) {
      transformer = new BodyTransformer(EncryptionConfiguration.none());
      LOG.warning("Secrets are stored unencrypted: no encryption configuration (system property "
          + CONFIG_PROPERTY + ")");
      return;
    }
    path = Path.of(configured);
    try {
      reload(version());
    } catch (IOException | InvalidEncryptionConfiguration e) {
      String problem = "Refusing to start: the encryption configuration " + path
          + " cannot be used: " + message(e);
      LOG.severe(problem);
      throw new IllegalStateException(problem);
    }
    LOG.info(() -> "Encryption at rest configured from " + path);
  }

  /** The transformer of the configuration as it is now. */
  public BodyTransformer transformer() {
    if (path != null && System.nanoTime() - checkedAt > RECHECK_NANOS) {
      reloadIfChanged();
    }
    return transformer;
  }

  /** The body to store for an object's JSON. */
  public String toStorage(ObjectKey key, String json) {
    return transformer().toStorage(key, json);
  }

  /** The object's JSON from a stored body, and whether it should be written again. */
  public BodyTransformer.Opened fromStorage(ObjectKey key, String stored) {
    return transformer().fromStorage(key, stored);
  }

  private synchronized void reloadIfChanged() {
    if (System.nanoTime() - checkedAt <= RECHECK_NANOS) {
      return;
    }
    Object version = null;
    try {
      version = version();
      if (!version.equals(loadedVersion)) {
        reload(version);
        LOG.info(() -> "Encryption configuration " + path + " changed; now in use");
      }
    } catch (IOException | InvalidEncryptionConfiguration e) {
      if (!Objects.equals(version, loadedVersion)) {
        LOG.severe("The changed encryption configuration " + path + " cannot be used, the"
            + " previous one stays in use: " + message(e));
        loadedVersion = version;
      }
    } finally {
      checkedAt = System.nanoTime();
    }
  }

  private void reload(Object version) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    transformer = new BodyTransformer(EncryptionConfiguration.parse(text));
    loadedVersion = version;
    checkedAt = System.nanoTime();
  }

  /** What changes when the file is edited in place or replaced by a rename. */
  private Object version() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
    return java.util.List.of(attributes.lastModifiedTime(), attributes.size(),
        String.valueOf(attributes.fileKey()));
  }

  private static String message(Exception e) {
    return e instanceof IOException ? "cannot read it (" + e + ")" : e.getMessage();
  }
}
