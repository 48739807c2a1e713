package dev.capstan.agent.work;

import dev.capstan.contract.tls.PemTls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The broker connection's trust: the control plane's broker speaks TLS with the API's
 * certificate, and the agent verifies it against the installation's CA, as it verifies the API.
 * Artemis' client reads trust from a key store file only, so the CA's PEM file is copied into a
 * PKCS12 trust store in the agent's state directory ({@code pki/broker-ca.p12}, written again at
 * every start) and the URL gets {@code trustStorePath}, {@code trustStoreType} and
 * {@code verifyHost=true}. Its password guards nothing secret (the CA certificate is public) and
 * is a fixed one.
 */
public final class BrokerTls {

  static final String TRUST_STORE_PASSWORD = "capstan-ca";

  private BrokerTls() {}

  /**
   * The URL to connect with: as given when it does not ask for TLS ({@code sslEnabled=true}) or
   * names its own trust store; otherwise with the CA's trust store.
   *
   * @throws IOException when the CA cannot be read or the trust store not written
   */
  public static String url(String url, Optional<Path> caFile, Path agentDir) throws IOException {
    if (!url.contains("sslEnabled=true") || url.contains("trustStorePath=")
        || caFile.isEmpty()) {
      return url;
    }
    Path trustStore = agentDir.resolve("pki").resolve("broker-ca.p12");
    write(caFile.get(), trustStore);
    return url + (url.contains("?") ? "&" : "?") + "trustStorePath=" + trustStore
        + "&trustStorePassword=" + TRUST_STORE_PASSWORD + "&trustStoreType=PKCS12"
        + (url.contains("verifyHost=") ? "" : "&verifyHost=true");
  }

  /** The URL as it may be logged: without its parameters. */
  public static String printable(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  private static void write(Path caFile, Path trustStore) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate authority : PemTls.certificates(caFile)) {
        store.setCertificateEntry("ca-" + i++, authority);
      }
      Files.createDirectories(trustStore.getParent(), PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      Path fresh = Files.createTempFile(trustStore.getParent(), ".broker-ca-", ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(fresh)) {
          store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
        Files.move(fresh, trustStore, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(fresh);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make the broker's trust store from " + caFile + ": "
          + e.getMessage(), e);
    }
  }
}
