package dev.capstan.api.options;

import dev.capstan.api.status.Statuses;
import dev.capstan.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code meta/v1} options of every verb, converted from the query and validated as
 * kube-apiserver's handlers do before anything else happens ({@code ValidateCreateOptions},
 * {@code ValidateUpdateOptions}, {@code ValidatePatchOptions}, {@code ValidateDeleteOptions},
 * {@code ValidateListOptions}): a value that does not convert is a 400 with Go's words
 * ({@link QueryValues}), a value that converts but is not allowed a 422
 * {@code <Kind>Options.meta.k8s.io "" is invalid: ...}.
 */
public final class MetaOptions {

  /** {@code FieldManagerMaxLength}. */
  static final int FIELD_MANAGER_MAX_LENGTH = 128;

  private MetaOptions() {}

  /** POST: {@code CreateOptions}. */
  public static void checkCreate(Map<String, List<String>> query) {
    List<FieldError> errors = writeOptions(query);
    refuse("CreateOptions", errors);
  }

  /** PUT: {@code UpdateOptions}. */
  public static void checkUpdate(Map<String, List<String>> query) {
    refuse("UpdateOptions", writeOptions(query));
  }

  /** PATCH: {@code PatchOptions}; {@code force} belongs to apply patches, which are not served. */
  public static void checkPatch(Map<String, List<String>> query) {
    List<FieldError> errors = new ArrayList<>();
    if (QueryValues.first(query, "force").isPresent()) {
      errors.add(forbidden("force", "may not be specified for non-apply patch"));
    }
    errors.addAll(writeOptions(query));
    refuse("PatchOptions", errors);
  }

  /** The option of Kubernetes' unsafe deletion of corrupt objects (KEP-3926). */
  public static final String IGNORE_STORE_READ_ERROR =
      "ignoreStoreReadErrorWithClusterBreakingPotential";

  /**
   * DELETE: {@code DeleteOptions} from the query ({@code gracePeriodSeconds} must be an int64;
   * see {@link #validateDelete} for the rest).
   */
  public static void checkDelete(Map<String, List<String>> query) {
    boolean grace = QueryValues.int64(query, "gracePeriodSeconds").isPresent();
    validateDelete(QueryValues.first(query, "propagationPolicy"),
        QueryValues.optionalBool(query, "orphanDependents"), dryRun(query), grace, false,
        QueryValues.optionalBool(query, IGNORE_STORE_READ_ERROR).orElse(false));
  }

  /**
   * {@code ValidateDeleteOptions}, for the query's options and a DeleteOptions body alike:
   * {@code orphanDependents} and {@code propagationPolicy} exclude each other, the policy is one
   * of three, a dry run is {@code All}; and the unsafe deletion of a corrupt object
   * ({@code ignoreStoreReadErrorWithClusterBreakingPotential}) goes with none of dry run,
   * propagation policy, orphanDependents, grace period or preconditions
   * ({@code ValidateIgnoreStoreReadError}, Kubernetes 1.32 to 1.36: the object cannot be read,
   * so nothing about it can be checked or simulated).
   *
   * @param gracePeriodSet whether {@code gracePeriodSeconds} was given (any value)
   * @param preconditionsSet whether {@code preconditions} was given (even empty)
   */
  public static void validateDelete(Optional<String> propagationPolicy,
      Optional<Boolean> orphanDependents, List<String> dryRun, boolean gracePeriodSet,
      boolean preconditionsSet, boolean ignoreStoreReadError) {
    List<FieldError> errors = new ArrayList<>();
    if (orphanDependents.isPresent() && propagationPolicy.isPresent()) {
      errors.add(new FieldError("propagationPolicy", "FieldValueInvalid", "Invalid value: "
          + GoStrings.quote(propagationPolicy.get())
          + ": orphanDependents and deletionPropagation cannot be both set"));
    }
    propagationPolicy.filter(policy -> !List.of("Foreground", "Background", "Orphan")
        .contains(policy)).ifPresent(policy -> errors.add(new FieldError("propagationPolicy",
            "FieldValueNotSupported", "Unsupported value: " + GoStrings.quote(policy)
            + ": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"")));
    dryRunError(dryRun).ifPresent(errors::add);
    if (ignoreStoreReadError) {
      if (!dryRun.isEmpty()) {
        errors.add(notTogether(".dryRun"));
      }
      if (propagationPolicy.isPresent()) {
        errors.add(notTogether(".propagationPolicy"));
      }
      if (orphanDependents.isPresent()) {
        errors.add(notTogether(".orphanDependents"));
      }
      if (gracePeriodSet) {
        errors.add(notTogether(".gracePeriodSeconds"));
      }
      if (preconditionsSet) {
        errors.add(notTogether(".preconditions"));
      }
    }
    refuse("DeleteOptions", errors);
  }

  private static FieldError notTogether(String option) {
    return new FieldError(IGNORE_STORE_READ_ERROR, "FieldValueInvalid",
        "Invalid value: true: cannot be set together with " + option);
  }

  /**
   * GET of a collection, a watch, a DELETE of a collection: {@code ListOptions}. The numbers
   * must convert; {@code resourceVersionMatch} and {@code sendInitialEvents} are checked as
   * Kubernetes checks them (this server has no WatchList, as with its feature gate off); a
   * resourceVersion that is not a revision is a 400 as the storage layer answers it.
   */
  public static void checkList(Map<String, List<String>> query, boolean watch) {
    QueryValues.int64(query, "limit");
    QueryValues.int64(query, "timeoutSeconds");
    String resourceVersion = QueryValues.first(query, "resourceVersion").orElse("");
    String match = QueryValues.first(query, "resourceVersionMatch").orElse("");
    String continueToken = QueryValues.first(query, "continue").orElse("");
    boolean sendInitialEvents = QueryValues.first(query, "sendInitialEvents").isPresent();
    List<FieldError> errors = new ArrayList<>();
    if (watch) {
      if (sendInitialEvents) {
        if (!match.equals("NotOlderThan")) {
          errors.add(forbidden("resourceVersionMatch",
              "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        }
        errors.add(forbidden("sendInitialEvents",
            "sendInitialEvents is forbidden for watch unless the WatchList feature gate is"
                + " enabled"));
      }
      if (!match.isEmpty()) {
        if (!sendInitialEvents) {
          errors.add(forbidden("resourceVersionMatch",
              "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
        }
        if (!match.equals("NotOlderThan")) {
          errors.add(notSupported("resourceVersionMatch", match, "\"NotOlderThan\""));
        }
        if (!continueToken.isEmpty()) {
          errors.add(forbidden("resourceVersionMatch",
              "resourceVersionMatch is forbidden when continue is provided"));
        }
      }
    } else {
      if (!match.isEmpty()) {
        if (resourceVersion.isEmpty()) {
          errors.add(forbidden("resourceVersionMatch",
              "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }
        if (!continueToken.isEmpty()) {
          errors.add(forbidden("resourceVersionMatch",
              "resourceVersionMatch is forbidden when continue is provided"));
        }
        if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
          errors.add(notSupported("resourceVersionMatch", match,
              "\"Exact\", \"NotOlderThan\", \"\""));
        }
        if (match.equals("Exact") && resourceVersion.equals("0")) {
          errors.add(forbidden("resourceVersionMatch",
              "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }
      }
      if (sendInitialEvents) {
        errors.add(forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
      }
    }
    refuse("ListOptions", errors);
    if (!continueToken.isEmpty() && !resourceVersion.isEmpty() && !resourceVersion.equals("0")) {
      throw Statuses.badRequest("specifying resource version is not allowed when using continue");
    }
    resourceVersion(query);
  }

  /**
   * The {@code resourceVersion} parameter of a list or watch: empty when absent, empty or
   * {@code 0} (any version); a 400 as kube-apiserver's storage answers when it is not a revision:
   * {@code invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: ...}.
   */
  public static Optional<Long> resourceVersion(Map<String, List<String>> query) {
    String value = QueryValues.first(query, "resourceVersion").orElse("");
    if (value.isEmpty() || value.equals("0")) {
      return Optional.empty();
    }
    QueryValues.ParsedUnsigned parsed = QueryValues.parseUint64(value);
    if (parsed.value().isEmpty()) {
      throw Statuses.badRequest("invalid resource version: resourceVersion: Invalid value: "
          + GoStrings.quote(value) + ": " + parsed.error());
    }
    return Optional.of(parsed.value().getAsLong());
  }

  /** The query's {@code dryRun} values (all of them: it is a list). */
  public static List<String> dryRun(Map<String, List<String>> query) {
    List<String> values = query.get("dryRun");
    return values == null ? List.of() : values;
  }

  private static List<FieldError> writeOptions(Map<String, List<String>> query) {
    List<FieldError> errors = new ArrayList<>();
    String fieldManager = QueryValues.first(query, "fieldManager").orElse("");
    if (fieldManager.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        > FIELD_MANAGER_MAX_LENGTH) {
      errors.add(new FieldError("fieldManager", "FieldValueTooLong",
          "Too long: may not be more than " + FIELD_MANAGER_MAX_LENGTH + " bytes"));
    }
    int position = 0;
    for (int i = 0; i < fieldManager.length(); ) {
      int c = fieldManager.codePointAt(i);
      if (!GoStrings.isPrint(c)) {
        errors.add(new FieldError("fieldManager", "FieldValueInvalid", "Invalid value: "
            + GoStrings.quote(fieldManager) + ": invalid character " + GoStrings.codePoint(c)
            + " (at position " + position + ")"));
      }
      position += new String(Character.toChars(c)).getBytes(
          java.nio.charset.StandardCharsets.UTF_8).length;
      i += Character.charCount(c);
    }
    dryRunError(dryRun(query)).ifPresent(errors::add);
    String fieldValidation = QueryValues.first(query, "fieldValidation").orElse("");
    if (!List.of("", "Ignore", "Strict", "Warn").contains(fieldValidation)) {
      errors.add(notSupported("fieldValidation", fieldValidation,
          "\"\", \"Ignore\", \"Strict\", \"Warn\""));
    }
    return errors;
  }

  /** {@code ValidateDryRun}: every value is {@code All}; the list is printed as Go's %#v. */
  private static Optional<FieldError> dryRunError(List<String> dryRun) {
    if (dryRun.stream().allMatch("All"::equals)) {
      return Optional.empty();
    }
    return Optional.of(new FieldError("dryRun", "FieldValueNotSupported",
        "Unsupported value: []string{" + dryRun.stream().map(GoStrings::quote)
            .collect(Collectors.joining(", ")) + "}: supported values: \"All\""));
  }

  private static FieldError forbidden(String field, String detail) {
    return new FieldError(field, "FieldValueForbidden", "Forbidden: " + detail);
  }

  private static FieldError notSupported(String field, String value, String supported) {
    return new FieldError(field, "FieldValueNotSupported", "Unsupported value: "
        + GoStrings.quote(value) + ": supported values: " + supported);
  }

  private static void refuse(String kind, List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw Statuses.invalidOptions(kind, errors);
    }
  }
}
