package dev.capstan.api.options;

import dev.capstan.api.status.Statuses;
import dev.capstan.validation.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The options of a {@code pods/log} request, converted and validated as kube-apiserver does
 * ({@code ValidatePodLogOptions}) before it asks the node: numbers that do not parse are a 400
 * with Go's words, out-of-range values a 422 {@code PodLogOptions "pod" is invalid: ...}. Only
 * these typed values are passed on to the node agent, re-encoded, never the client's raw text.
 */
public record PodLogOptions(Optional<String> container, boolean follow, boolean previous,
    boolean timestamps, OptionalLong sinceSeconds, Optional<Instant> sinceTime,
    OptionalLong tailLines, OptionalLong limitBytes) {

  /**
   * @param pod the pod's name, which a 422 names
   */
  public static PodLogOptions of(Map<String, List<String>> query, String pod) {
    PodLogOptions options = new PodLogOptions(
        QueryValues.first(query, "container").filter(name -> !name.isEmpty()),
        QueryValues.bool(query, "follow"), QueryValues.bool(query, "previous"),
        QueryValues.bool(query, "timestamps"), QueryValues.int64(query, "sinceSeconds"),
        QueryValues.time(query, "sinceTime"), QueryValues.int64(query, "tailLines"),
        QueryValues.int64(query, "limitBytes"));
    List<FieldError> errors = new ArrayList<>();
    if (options.tailLines.isPresent() && options.tailLines.getAsLong() < 0) {
      errors.add(invalid("tailLines", options.tailLines.getAsLong(),
          "must be greater than or equal to 0"));
    }
    if (options.limitBytes.isPresent() && options.limitBytes.getAsLong() < 1) {
      errors.add(invalid("limitBytes", options.limitBytes.getAsLong(), "must be greater than 0"));
    }
    if (options.sinceSeconds.isPresent() && options.sinceTime.isPresent()) {
      errors.add(new FieldError("", "FieldValueForbidden",
          "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"));
    } else if (options.sinceSeconds.isPresent() && options.sinceSeconds.getAsLong() < 1) {
      errors.add(invalid("sinceSeconds", options.sinceSeconds.getAsLong(),
          "must be greater than 0"));
    }
    if (!errors.isEmpty()) {
      throw Statuses.invalid("PodLogOptions", pod, errors);
    }
    return options;
  }

  /** The parameters the node agent reads, from the typed values. */
  public Map<String, String> agentParameters() {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (follow) {
      parameters.put("follow", "true");
    }
    if (previous) {
      parameters.put("previous", "true");
    }
    if (timestamps) {
      parameters.put("timestamps", "true");
    }
    // the agent counts in Docker's terms: seconds since the epoch, an int of lines
    long now = Instant.now().getEpochSecond();
    sinceSeconds.ifPresent(seconds -> parameters.put("sinceSeconds",
        Long.toString(Math.min(seconds, now))));
    sinceTime.ifPresent(time -> parameters.put("sinceSeconds",
        Long.toString(Math.min(now, Math.max(1, now - time.getEpochSecond())))));
    tailLines.ifPresent(lines -> parameters.put("tailLines",
        Long.toString(Math.min(lines, Integer.MAX_VALUE))));
    limitBytes.ifPresent(bytes -> parameters.put("limitBytes", Long.toString(bytes)));
    return parameters;
  }

  private static FieldError invalid(String field, long value, String detail) {
    return new FieldError(field, "FieldValueInvalid", "Invalid value: " + value + ": " + detail);
  }
}
