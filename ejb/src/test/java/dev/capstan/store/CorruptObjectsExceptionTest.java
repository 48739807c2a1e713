package dev.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.store.encryption.BodyTransformer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorruptObjectsExceptionTest {

  @Test
  void eachObjectIsKubernetesStorageErrorAndTheWholeItsAggregate() {
    CorruptObjectsException corrupt = new CorruptObjectsException("", "ConfigMap", List.of(
        CorruptObjectsException.untransformable("/registry/configmaps/a/x",
            "no matching prefix found"),
        CorruptObjectsException.undecodable("/registry/configmaps/b/y", 42,
            "the stored value is not a JSON object")), true);

    assertThat(corrupt.objects().get(0).error()).isEqualTo("StorageError: corrupt object, Code:"
        + " 7, Key: /registry/configmaps/a/x, ResourceVersion: 0, AdditionalErrorMsg: data from"
        + " the storage is not transformable revision=0: no matching prefix found");
    assertThat(corrupt.objects().get(1).error()).endsWith("AdditionalErrorMsg: object not"
        + " decodable revision=42: the stored value is not a JSON object");
    assertThat(corrupt.getMessage()).isEqualTo("unable to transform or decode 3 objects: {\n\t"
        + corrupt.objects().get(0).error() + "\n\t" + corrupt.objects().get(1).error()
        + "\n\ttoo many errors, the list is truncated\n}");
  }

  @Test
  void onlyAJsonObjectIsAnObject() {
    assertThat(BodyTransformer.isJsonObject(" {\"a\":1}")).isTrue();
    assertThat(BodyTransformer.isJsonObject("5")).isFalse();
    assertThat(BodyTransformer.isJsonObject("[{}]")).isFalse();
    assertThat(BodyTransformer.isJsonObject("")).isFalse();
  }
}
