package dev.capstan.validation.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelClassesTest {

  /** A kind whose model jar is missing from the build answered every create with a 500 (EndpointSlice did). */
  @Test
  void everyMappedKindsModelClassIsInTheBuild() {
    assertThat(ModelClasses.kinds()).hasSizeGreaterThan(20);
    for (String key : ModelClasses.kinds()) {
      int dot = key.indexOf('.');
      String kind = dot < 0 ? key : key.substring(0, dot);
      String group = dot < 0 ? "" : key.substring(dot + 1);
      assertThat(ModelClasses.of(group, kind)).as(key).get()
          .extracting(Class::getSimpleName).isEqualTo(kind);
    }
    for (String key : ModelClasses.versionedKinds()) {
      String[] parts = key.split("/");
      assertThat(ModelClasses.of(parts[0], parts[1], parts[2])).as(key).get()
          .extracting(Class::getName).asString().endsWith("." + parts[1] + "." + parts[2]);
    }
  }
}
