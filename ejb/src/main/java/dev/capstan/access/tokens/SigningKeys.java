package dev.capstan.access.tokens;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ServiceAccount token keys of the installation, from one PEM file
 * ({@code -Dcapstan.service-account.key-file}, written 0600 by {@code bin/capstan}; kube-apiserver's
 * {@code --service-account-signing-key-file} and {@code --service-account-key-file} in one).
 * The file holds one or more RSA keys: the first {@code PRIVATE KEY} signs new tokens; every key,
 * private or {@code PUBLIC KEY}, verifies. To rotate, put a new private key first and keep the
 * old one after it until the tokens it signed have expired. The file is read again when it
 * changes, so every server sharing it follows a rotation without a restart.
 *
 * <p>Key ids are kube-apiserver's: the unpadded base64url SHA-256 of the public key's DER form.
 */
public final class SigningKeys {

  public static final String KEY_FILE_PROPERTY = "capstan.service-account.key-file";
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

  private final Path path;
  private volatile FileTime loadedAt;
  private volatile List<RSAKey> keys = List.of();

  public SigningKeys(Path path) {
    this.path = path;
  }

  /** The configured key file, if the server has one. */
  public static Optional<SigningKeys> configured() {
    return Optional.ofNullable(System.getProperty(KEY_FILE_PROPERTY))
        .filter(value -> !value.isBlank()).map(value -> new SigningKeys(Path.of(value)));
  }

  /** The key that signs new tokens. */
  public RSAKey signing() {
    return current().stream().filter(RSAKey::isPrivate).findFirst()
        .orElseThrow(() -> new IllegalStateException("the service account key file " + path
            + " holds no private key"));
  }

  /** Every key that verifies tokens, the signing one first. */
  public List<RSAKey> verifying() {
    return current();
  }

  /** The public keys as a JWK set, as {@code /openid/v1/jwks} serves them. */
  public JWKSet publicJwks() {
    return new JWKSet(current().stream().map(key -> (com.nimbusds.jose.jwk.JWK) key.toPublicJWK())
        .toList());
  }

  private List<RSAKey> current() {
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      if (!modified.equals(loadedAt)) {
        keys = parse(Files.readString(path, StandardCharsets.US_ASCII));
        loadedAt = modified;
      }
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the service account key file " + path, e);
    }
  }

  /** The RSA keys of a PEM text, in order. */
  public static List<RSAKey> parse(String pem) {
    List<RSAKey> keys = new ArrayList<>();
    Matcher block = PEM.matcher(pem);
    while (block.find()) {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2).strip());
      try {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        switch (block.group(1)) {
          case "PRIVATE KEY" -> {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(
                new PKCS8EncodedKeySpec(der));
            RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
                new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            keys.add(jwk(publicKey).privateKey(key).build());
          }
          case "PUBLIC KEY" -> keys.add(jwk((RSAPublicKey) rsa.generatePublic(
              new X509EncodedKeySpec(der))).build());
          default -> { } // certificates and other blocks are not keys
        }
      } catch (GeneralSecurityException | ClassCastException e) {
        throw new IllegalArgumentException("not an RSA key in PKCS#8 or X.509 form ("
            + block.group(1) + "): " + e.getMessage(), e);
      }
    }
    return List.copyOf(keys);
  }

  private static RSAKey.Builder jwk(RSAPublicKey publicKey) {
    return new RSAKey.Builder(publicKey).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
        .keyID(keyId(publicKey));
  }

  /** kube-apiserver's key id: base64url (no padding) of SHA-256 over the PKIX DER public key. */
  static String keyId(RSAPublicKey publicKey) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
