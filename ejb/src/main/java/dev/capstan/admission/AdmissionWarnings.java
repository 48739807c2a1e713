package dev.capstan.admission;

import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What admission tells the client besides its answer, for the length of one request: warnings,
 * which the REST layer sends as {@code Warning: 299 - "..."} headers (kube-apiserver's
 * {@code warning.AddWarning}), and audit annotations for the request's audit event. Admission
 * runs inside the store's transaction, deep below the REST layer; this request-scoped note is
 * how what it says gets back up. Writes made outside a request (controllers) have no one to
 * tell, so {@link #add} then does nothing.
 */
@RequestScoped
public class AdmissionWarnings {

  private final List<String> warnings = new ArrayList<>();
  private final Map<String, String> auditAnnotations = new LinkedHashMap<>();

  public void warn(String warning) {
    if (!warnings.contains(warning)) {
      warnings.add(warning);
    }
  }

  public void annotate(String key, String value) {
    auditAnnotations.put(key, value);
  }

  /** The warnings so far, which are then forgotten. */
  public List<String> drain() {
    List<String> drained = List.copyOf(warnings);
    warnings.clear();
    return drained;
  }

  /** The audit annotations recorded during this request. */
  public Map<String, String> auditAnnotations() {
    return Map.copyOf(auditAnnotations);
  }

  /** Records warnings and annotations when there is a request to record them for. */
  public static void add(Instance<AdmissionWarnings> note, List<String> warnings,
      Map<String, String> annotations) {
    if (warnings.isEmpty() && annotations.isEmpty()) {
      return;
    }
    try {
      AdmissionWarnings current = note.get();
      warnings.forEach(current::warn);
      annotations.forEach(current::annotate);
    } catch (ContextNotActiveException e) {
      // no request (a controller's write): no client to warn, no request audit event
    }
  }
}
