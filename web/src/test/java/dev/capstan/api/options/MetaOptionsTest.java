package dev.capstan.api.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.capstan.api.status.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetaOptionsTest {

  private static final String OPTION = "ignoreStoreReadErrorWithClusterBreakingPotential";

  @Test
  void unsafeDeletionAloneIsValid() {
    MetaOptions.checkDelete(Map.of(OPTION, List.of("true")));
    MetaOptions.validateDelete(Optional.empty(), Optional.empty(), List.of(), false, false, true);
  }

  @Test
  void unsafeDeletionGoesWithNoDryRunPolicyGracePeriodOrPreconditionsInKubernetesWords() {
    ApiException refused = catchThrowableOfType(() -> MetaOptions.validateDelete(
        Optional.of("Background"), Optional.empty(), List.of("All"), true, true, true),
        ApiException.class);

    assertThat(refused.code()).isEqualTo(422);
    assertThat(refused.status().getString("message")).isEqualTo("DeleteOptions.meta.k8s.io \"\""
        + " is invalid: [" + OPTION + ": Invalid value: true: cannot be set together with .dryRun, "
        + OPTION + ": Invalid value: true: cannot be set together with .propagationPolicy, "
        + OPTION + ": Invalid value: true: cannot be set together with .gracePeriodSeconds, "
        + OPTION + ": Invalid value: true: cannot be set together with .preconditions]");
    assertThat(refused.status().getJsonObject("details").getJsonArray("causes")
        .getJsonObject(0).getString("field")).isEqualTo(OPTION);
  }

  @Test
  void theQuerysDryRunAndGracePeriodCountForTheUnsafeDeletion() {
    ApiException refused = catchThrowableOfType(() -> MetaOptions.checkDelete(Map.of(OPTION,
        List.of("true"), "dryRun", List.of("All"), "gracePeriodSeconds", List.of("0"),
        "orphanDependents", List.of("false"))), ApiException.class);

    assertThat(refused.status().getString("message")).isEqualTo("DeleteOptions.meta.k8s.io \"\""
        + " is invalid: [" + OPTION + ": Invalid value: true: cannot be set together with .dryRun, "
        + OPTION + ": Invalid value: true: cannot be set together with .orphanDependents, "
        + OPTION + ": Invalid value: true: cannot be set together with .gracePeriodSeconds]");
  }

  @Test
  void falseOptionChecksNothingMore() {
    MetaOptions.checkDelete(Map.of(OPTION, List.of("false"), "dryRun", List.of("All"),
        "gracePeriodSeconds", List.of("0")));
  }
}
