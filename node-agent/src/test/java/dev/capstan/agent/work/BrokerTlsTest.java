package dev.capstan.agent.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerTlsTest {

  @TempDir
  Path dir;

  @Test
  void aTlsUrlGetsTheCaAsItsOnlyTrustAndHostVerification() throws Exception {
    Path ca = dir.resolve("ca.crt");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout", dir.resolve("ca.key").toString(),
        "-out", ca.toString()).redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertThat(openssl.waitFor()).isZero();

    String url = BrokerTls.url("tcp://127.0.0.1:61616?enable1xPrefixes=true&sslEnabled=true",
        Optional.of(ca), dir);

    Path store = dir.resolve("pki/broker-ca.p12");
    assertThat(url).isEqualTo("tcp://127.0.0.1:61616?enable1xPrefixes=true&sslEnabled=true"
        + "&trustStorePath=" + store + "&trustStorePassword=capstan-ca&trustStoreType=PKCS12"
        + "&verifyHost=true");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      trust.load(in, "capstan-ca".toCharArray());
    }
    assertThat(Collections.list(trust.aliases())).containsExactly("ca-0");
    assertThat(trust.isCertificateEntry("ca-0")).isTrue();
    assertThat(BrokerTls.printable(url)).isEqualTo("tcp://127.0.0.1:61616");
  }

  @Test
  void plainUrlsAndUrlsWithTheirOwnTrustAreLeftAlone() throws Exception {
    String plain = "tcp://127.0.0.1:61616?enable1xPrefixes=true";
    String own = plain + "&sslEnabled=true&trustStorePath=/x.p12";
    assertThat(BrokerTls.url(plain, Optional.of(dir.resolve("none.crt")), dir)).isEqualTo(plain);
    assertThat(BrokerTls.url(own, Optional.of(dir.resolve("none.crt")), dir)).isEqualTo(own);
    assertThat(Files.exists(dir.resolve("pki"))).isFalse();
  }
}
