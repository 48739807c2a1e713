package dev.capstan.store.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.store.entity.ObjectKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionAtRestTest {

  private static final ObjectKey SECRET = new ObjectKey("", "Secret", "default", "db");
  private static final String JSON = "{\"data\":{\"k\":\"dg==\"}}";

  @TempDir
  Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(EncryptionAtRest.CONFIG_PROPERTY);
  }

  private EncryptionAtRest started(Path file) {
    System.setProperty(EncryptionAtRest.CONFIG_PROPERTY, file.toString());
    EncryptionAtRest encryption = new EncryptionAtRest();
    encryption.load();
    return encryption;
  }

  private static String config(String... namesAndSecrets) {
    return EncryptionConfigurationTest.config(
        EncryptionConfigurationTest.aes("aesgcm", namesAndSecrets) + "- identity: {}\n");
  }

  @Test
  void aServerRefusesToStartWithAnInvalidFileNamingTheProblem() throws Exception {
    Path file = Files.writeString(dir.resolve("encryption.yaml"), config("k", "c2hvcnQ="));

    assertThatThrownBy(() -> started(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Refusing to start")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("secret is not of the expected length, got 5");
  }

  @Test
  void aMissingFileStopsTheStartToo() {
    assertThatThrownBy(() -> started(dir.resolve("nothing.yaml")))
        .hasMessageContaining("Refusing to start")
        .hasMessageContaining("cannot read it");
  }

  @Test
  void withoutTheSettingNothingIsEncrypted() {
    EncryptionAtRest encryption = new EncryptionAtRest();
    encryption.load();

    assertThat(encryption.toStorage(SECRET, JSON)).isEqualTo(JSON);
  }

  @Test
  void aChangedFileIsUsedWithinASecondAndAnInvalidChangeIsIgnored() throws Exception {
    String key1 = EncryptionConfigurationTest.key(32);
    String key2 = EncryptionConfigurationTest.key(32);
    Path file = Files.writeString(dir.resolve("encryption.yaml"), config("key1", key1));
    EncryptionAtRest encryption = started(file);
    String underKey1 = encryption.toStorage(SECRET, JSON);
    assertThat(underKey1).startsWith("\"k8s:enc:aesgcm:v1:key1:");

    Files.writeString(dir.resolve("next.yaml"), config("key2", key2, "key1", key1));
    Files.move(dir.resolve("next.yaml"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Thread.sleep(1_100);

    assertThat(encryption.toStorage(SECRET, JSON)).startsWith("\"k8s:enc:aesgcm:v1:key2:");
    assertThat(encryption.fromStorage(SECRET, underKey1).stale()).isTrue();

    Files.writeString(file, "kind: nonsense\n");
    Thread.sleep(1_100);

    assertThat(encryption.toStorage(SECRET, JSON)).startsWith("\"k8s:enc:aesgcm:v1:key2:");
  }
}
