package dev.capstan.contract.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS between the API server and node agents from the PEM files the installation's CA issues
 * ({@code bin/capstan}, with openssl): a certificate (chain), its PKCS#8 private key, and the CA
 * that both sides trust. The API server presents {@link #KUBELET_CLIENT_NAME} to agents; an agent
 * presents a serving certificate for its node name and address.
 */
public final class PemTls {

  /** The common name of the API server's client certificate, the only one agents accept. */
  public static final String KUBELET_CLIENT_NAME = "capstan-apiserver-kubelet-client";

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

  private PemTls() {}

  /**
   * An SSL context presenting the certificate and key (if given) and trusting only the CA.
   *
   * @throws IOException naming the file that is missing or unreadable
   */
  public static SSLContext context(Optional<Path> certificate, Optional<Path> key, Path ca)
      throws IOException {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = new char[0];
      if (certificate.isPresent() && key.isPresent()) {
        List<X509Certificate> chain = certificates(certificate.get());
        keys.setKeyEntry("key", privateKey(key.get()), password,
            chain.toArray(new X509Certificate[0]));
      }
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      int i = 0;
      for (X509Certificate authority : certificates(ca)) {
        trusted.setCertificateEntry("ca-" + i++, authority);
      }
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS from " + certificate.map(Path::toString)
          .orElse("no certificate") + " and the CA " + ca + ": " + e.getMessage(), e);
    }
  }

  /** The certificates of a PEM file, in order. */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(file, "CERTIFICATE")) {
        certificates.add((X509Certificate) factory.generateCertificate(
            new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("not a certificate in " + file + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IOException("no certificate in " + file);
    }
    return certificates;
  }

  /** An unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}, as openssl 3 writes), RSA or EC. */
  public static PrivateKey privateKey(Path file) throws IOException {
    List<byte[]> blocks = blocks(file, "PRIVATE KEY");
    if (blocks.isEmpty()) {
      throw new IOException("no PKCS#8 private key (BEGIN PRIVATE KEY) in " + file);
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(
            new PKCS8EncodedKeySpec(blocks.get(0)));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IOException("the private key in " + file + " is neither RSA nor EC");
  }

  /** The subject's common name, e.g. {@code system:node:worker-1}; empty if it has none. */
  public static String commonName(X509Certificate certificate) {
    return attribute(certificate, "CN").stream().findFirst().orElse("");
  }

  /** Every value of one subject attribute, e.g. the organizations ({@code O}): the groups. */
  public static List<String> attribute(X509Certificate certificate, String type) {
    List<String> values = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase(type)) {
          values.add(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      // a subject the JDK itself wrote cannot be malformed; no values then
    }
    return values;
  }

  private static List<byte[]> blocks(Path file, String type) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    List<byte[]> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      if (matcher.group(1).equals(type)) {
        blocks.add(Base64.getMimeDecoder().decode(matcher.group(2).strip()));
      }
    }
    return blocks;
  }
}
