package dev.capstan.store.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.store.entity.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

class EncryptionConfigurationTest {

  private static final ObjectKey SECRET = new ObjectKey("", "Secret", "default", "db");
  private static final ObjectKey CONFIG_MAP = new ObjectKey("", "ConfigMap", "default", "db");
  private static final String JSON = "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"}}";
  private static final String KEY1 = key(32);
  private static final String KEY2 = key(32);

  static String key(int bytes) {
    byte[] key = new byte[bytes];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  static String config(String providers) {
    return """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources:
              - secrets
            providers:
        """ + providers.indent(6);
  }

  static String aes(String type, String... namesAndSecrets) {
    StringBuilder yaml = new StringBuilder("- " + type + ":\n    keys:\n");
    for (int i = 0; i < namesAndSecrets.length; i += 2) {
      yaml.append("      - name: ").append(namesAndSecrets[i]).append("\n        secret: ")
          .append(namesAndSecrets[i + 1]).append('\n');
    }
    return yaml.toString();
  }

  static BodyTransformer transformer(String providers) {
    return new BodyTransformer(EncryptionConfiguration.parse(config(providers)));
  }

  @ParameterizedTest
  @CsvSource({"aesgcm, 32", "aesgcm, 24", "aesgcm, 16", "aescbc, 32", "aescbc, 16"})
  void eachProviderRoundTripsAndStoresNoPlaintext(String type, int keyBytes) {
    BodyTransformer transformer = transformer(aes(type, "key1", key(keyBytes)));

    String stored = transformer.toStorage(SECRET, JSON);

    assertThat(stored).startsWith("\"k8s:enc:" + type + ":v1:key1:")
        .doesNotContain("password").doesNotContain("aHVudGVyMg==");
    assertThat(BodyTransformer.prefixOf(stored)).isEqualTo("k8s:enc:" + type + ":v1:key1:");
    assertThat(transformer.fromStorage(SECRET, stored))
        .isEqualTo(new BodyTransformer.Opened(JSON, false));
  }

  @Test
  void aesgcmIsKubernetesLayoutBoundToTheStoragePath() throws Exception {
    String stored = transformer(aes("aesgcm", "key1", KEY1)).toStorage(SECRET, JSON);
    String prefix = "k8s:enc:aesgcm:v1:key1:";
    byte[] payload = Base64.getDecoder().decode(stored.substring(1 + prefix.length(),
        stored.length() - 1));

    // nonce (12) ‖ ciphertext ‖ tag (16), the etcd key as additional authenticated data
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(KEY1), "AES"),
        new GCMParameterSpec(128, payload, 0, 12));
    gcm.updateAAD("/registry/secrets/default/db".getBytes(StandardCharsets.UTF_8));
    byte[] plain = gcm.doFinal(payload, 12, payload.length - 12);
    assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(JSON);
    assertThat(payload).hasSize(12 + JSON.length() + 16);
  }

  @Test
  void aescbcIsKubernetesLayout() throws Exception {
    String stored = transformer(aes("aescbc", "key1", KEY1)).toStorage(SECRET, JSON);
    String prefix = "k8s:enc:aescbc:v1:key1:";
    byte[] payload = Base64.getDecoder().decode(stored.substring(1 + prefix.length(),
        stored.length() - 1));

    // IV (16) ‖ AES-CBC with PKCS#7 padding
    Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
    cbc.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(KEY1), "AES"),
        new IvParameterSpec(payload, 0, 16));
    assertThat(new String(cbc.doFinal(payload, 16, payload.length - 16), StandardCharsets.UTF_8))
        .isEqualTo(JSON);
    assertThat(payload.length % 16).isZero();
  }

  @Test
  void aValueMovedToAnotherObjectDoesNotDecrypt() {
    BodyTransformer transformer = transformer(aes("aesgcm", "key1", KEY1));
    String stored = transformer.toStorage(SECRET, JSON);

    assertThatThrownBy(() -> transformer.fromStorage(
        new ObjectKey("", "Secret", "default", "other"), stored))
        .isInstanceOf(StorageTransformException.class)
        .hasMessageContaining("/registry/secrets/default/other")
        .hasMessageContaining("authentication failed");
  }

  @Test
  void theWrongKeyUnderTheSameNameIsRefused() {
    String stored = transformer(aes("aesgcm", "key1", KEY1)).toStorage(SECRET, JSON);

    assertThatThrownBy(() -> transformer(aes("aesgcm", "key1", KEY2)).fromStorage(SECRET, stored))
        .isInstanceOf(StorageTransformException.class)
        .hasMessageContaining("aesgcm key \"key1\"");
  }

  @Test
  void aescbcWithTheWrongKeyNeverYieldsThePlaintext() {
    String stored = transformer(aes("aescbc", "key1", KEY1)).toStorage(SECRET, JSON);
    BodyTransformer wrong = transformer(aes("aescbc", "key1", KEY2));
    // CBC has no authentication: a wrong key fails on padding, or (1 in ~256) yields garbage
    try {
      assertThat(wrong.fromStorage(SECRET, stored).json()).isNotEqualTo(JSON);
    } catch (StorageTransformException e) {
      assertThat(e).hasMessageContaining("aescbc key \"key1\"");
    }
  }

  @Test
  void anUnknownPrefixIsRefusedNamingIt() {
    String stored = transformer(aes("aesgcm", "old", KEY1)).toStorage(SECRET, JSON);

    assertThatThrownBy(() -> transformer(aes("aesgcm", "new", KEY2) + "- identity: {}\n")
        .fromStorage(SECRET, stored))
        .isInstanceOf(StorageTransformException.class)
        .hasMessageContaining("no matching prefix found")
        .hasMessageContaining("k8s:enc:aesgcm:v1:old:");
  }

  @Test
  void identityReadsPlainValuesAsStaleBehindAKey() {
    BodyTransformer transformer = transformer(aes("aesgcm", "key1", KEY1) + "- identity: {}\n");

    assertThat(transformer.fromStorage(SECRET, JSON))
        .isEqualTo(new BodyTransformer.Opened(JSON, true));
  }

  @Test
  void identityFirstWritesPlainAndStillReadsEncryptedValues() {
    String stored = transformer(aes("aesgcm", "key1", KEY1)).toStorage(SECRET, JSON);
    BodyTransformer decrypting = transformer("- identity: {}\n" + aes("aesgcm", "key1", KEY1));

    assertThat(decrypting.toStorage(SECRET, JSON)).isEqualTo(JSON);
    assertThat(decrypting.fromStorage(SECRET, stored))
        .isEqualTo(new BodyTransformer.Opened(JSON, true));
    assertThat(decrypting.fromStorage(SECRET, JSON))
        .isEqualTo(new BodyTransformer.Opened(JSON, false));
  }

  @Test
  void withoutIdentityPlainValuesAreRefused() {
    assertThatThrownBy(() -> transformer(aes("aesgcm", "key1", KEY1)).fromStorage(SECRET, JSON))
        .isInstanceOf(StorageTransformException.class)
        .hasMessageContaining("identity provider is not configured");
  }

  @Test
  void theFirstKeyWritesAndEveryKeyReadsOlderOnesAsStale() {
    String underOld = transformer(aes("aesgcm", "old", KEY1)).toStorage(SECRET, JSON);
    BodyTransformer rotated = transformer(aes("aesgcm", "new", KEY2, "old", KEY1));

    assertThat(rotated.fromStorage(SECRET, underOld))
        .isEqualTo(new BodyTransformer.Opened(JSON, true));
    String underNew = rotated.toStorage(SECRET, JSON);
    assertThat(underNew).startsWith("\"k8s:enc:aesgcm:v1:new:");
    assertThat(rotated.fromStorage(SECRET, underNew).stale()).isFalse();
  }

  @Test
  void laterProvidersReadTooAcrossTypes() {
    String underCbc = transformer(aes("aescbc", "cbc", KEY1)).toStorage(SECRET, JSON);
    BodyTransformer both = transformer(aes("aesgcm", "gcm", KEY2) + aes("aescbc", "cbc", KEY1));

    assertThat(both.fromStorage(SECRET, underCbc))
        .isEqualTo(new BodyTransformer.Opened(JSON, true));
  }

  @Test
  void resourcesTheConfigurationDoesNotNameStayPlain() {
    BodyTransformer transformer = transformer(aes("aesgcm", "key1", KEY1));

    assertThat(transformer.toStorage(CONFIG_MAP, JSON)).isEqualTo(JSON);
    assertThat(transformer.fromStorage(CONFIG_MAP, JSON).stale()).isFalse();
    assertThat(transformer.mayBeEncrypted(CONFIG_MAP)).isFalse();
    assertThat(transformer.mayBeEncrypted(SECRET)).isTrue();
  }

  @Test
  void wildcardsSelectGroups() {
    EncryptionConfiguration configuration = EncryptionConfiguration.parse("""
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: ["*.apps", configmaps]
            providers: [{aesgcm: {keys: [{name: k, secret: "%s"}]}}]
        """.formatted(KEY1));

    assertThat(configuration.transformers("apps", "deployments").writesPlain()).isFalse();
    assertThat(configuration.transformers("", "configmaps").writesPlain()).isFalse();
    assertThat(configuration.transformers("", "secrets").writesPlain()).isTrue();
  }

  static Stream<Arguments> badConfigurations() {
    return Stream.of(
        Arguments.of("apiVersion: v1\nkind: Config\nresources: []",
            "apiVersion and kind must be"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration",
            "resources: Required value"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: []}]",
            "resources[0].providers: Required value"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{aesgcm: {keys: [{name: k, secret: c2hvcnQ=}]}}]}]",
            "resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: \"REDACTED\": secret is not of the expected length, got 5, expected one of [16 24 32]"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{aesgcm: {keys: [{name: k, secret: '!!'}]}}]}]",
            "secrets must be base64 encoded"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{aesgcm: {keys: []}}]}]",
            "resources[0].providers[0].aesgcm.keys: Required value"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{kms: {name: x}}]}]",
            "resources[0].providers[0].kms: Unsupported value"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{aesgcm: {keys: [{name: k, secret: x}]}, identity: {}}]}]",
            "exactly one provider must be given per list element"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{identity: {}}]}, {resources: [secrets], providers: [{identity: {}}]}]",
            "resources[1].resources[0]: Duplicate value"),
        Arguments.of("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{aesgcm: {keys: [{name: 'a:b', secret: x}]}}]}]",
            "without ':'"),
        Arguments.of("resources: [unclosed",
            "not YAML"));
  }

  @ParameterizedTest
  @MethodSource("badConfigurations")
  void badConfigurationsAreRefusedNamingTheField(String yaml, String message) {
    assertThatThrownBy(() -> EncryptionConfiguration.parse(yaml))
        .isInstanceOf(InvalidEncryptionConfiguration.class)
        .hasMessageContaining(message);
  }

  @Test
  void keySecretsNeverAppearInErrors() {
    assertThatThrownBy(() -> EncryptionConfiguration.parse(config(aes("aesgcm", "k", "c2VjcmV0"))))
        .hasMessageNotContaining("c2VjcmV0");
  }
}
