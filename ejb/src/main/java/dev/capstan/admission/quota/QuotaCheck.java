package dev.capstan.admission.quota;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.AdmissionDenied;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.resources.ResourceList;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * ResourceQuota admission of one new object against its namespace's quotas, as Kubernetes'
 * quota admission decides it: for each quota whose scopes select the object and whose
 * {@code hard} names something the object uses, the object's usage is added to the quota's
 * usage and must stay within {@code hard}; otherwise the create is refused with
 * {@code exceeded quota: <name>, requested: ..., used: ..., limited: ...}. A pod must also
 * state the cpu/memory requests or limits a quota constrains ({@code failed quota: <name>: must
 * specify ...}).
 *
 * <p>The recorded usage ({@code status.used}) is trusted while it covers every hard resource
 * and the quota's {@code hard} has not changed since; otherwise, and before refusing (the
 * record may not show deletions yet), the usage is counted afresh. Pure: the caller supplies
 * the counting and writes the charges.
 */
public final class QuotaCheck {

  /** A quota admitting the object, and its usage with the object charged. */
  public record Charge(JsonObject quota, ResourceList hard, ResourceList used) {}

  private QuotaCheck() {}

  /**
   * @param quotas the namespace's ResourceQuotas
   * @param count counts a quota's usage from the objects in the namespace
   * @return the charges to write, one per quota the object uses
   * @throws AdmissionDenied if a quota refuses the object
   */
  public static List<Charge> check(List<JsonObject> quotas, ResourceType type, JsonObject object,
      Instant now, Function<JsonObject, ResourceList> count) {
    String name = object(object, "metadata").getString("name", "");
    ResourceList usage = QuotaUsage.of(type, object, now);
    List<Charge> charges = new ArrayList<>();
    List<JsonObject> sorted = quotas.stream()
        .sorted(Comparator.comparing(q -> object(q, "metadata").getString("name", ""))).toList();
    for (JsonObject quota : sorted) {
      String quotaName = object(quota, "metadata").getString("name", "");
      ResourceList hard = ResourceList.of(object(object(quota, "spec"), "hard"));
      List<String> restricted = QuotaUsage.tracked(type, hard.names());
      if (restricted.isEmpty() || !QuotaUsage.matchesScopes(quota, type, object)) {
        continue;
      }
      if (type == ResourceTypes.POD) {
        Optional<String> missing = QuotaUsage.missingRequirements(object(object, "spec"),
            restricted);
        if (missing.isPresent()) {
          throw new AdmissionDenied(type.qualifiedPlural(), name,
              "failed quota: " + quotaName + ": " + missing.get());
        }
      }
      ResourceList requested = usage.mask(restricted).withoutZeros();
      if (requested.isEmpty()) {
        continue;
      }
      JsonObject status = object(quota, "status");
      ResourceList used = ResourceList.of(object(status, "used"));
      boolean counted = false;
      if (!ResourceList.of(object(status, "hard")).equals(hard)
          || !used.names().containsAll(restricted)) {
        used = count.apply(quota);
        counted = true;
      }
      List<String> exceeded = used.plus(requested).mask(requested.names()).exceeding(hard);
      if (!exceeded.isEmpty() && !counted) {
        used = count.apply(quota);
        exceeded = used.plus(requested).mask(requested.names()).exceeding(hard);
      }
      if (!exceeded.isEmpty()) {
        throw new AdmissionDenied(type.qualifiedPlural(), name, "exceeded quota: " + quotaName
            + ", requested: " + requested.mask(exceeded) + ", used: " + used.mask(exceeded)
            + ", limited: " + hard.mask(exceeded));
      }
      charges.add(new Charge(quota, hard, used.plus(requested)));
    }
    return charges;
  }
}
