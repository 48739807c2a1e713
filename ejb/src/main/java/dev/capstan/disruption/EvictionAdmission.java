package dev.capstan.disruption;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The PodDisruptionBudget check of the {@code pods/eviction} subresource, as kube-apiserver
 * makes it: a pod no budget selects, or one that is finished, pending or already being deleted,
 * may go; a pod two budgets select may not (Kubernetes does not support it); otherwise the one
 * budget must allow a disruption, and the eviction is recorded in its status
 * ({@code disruptionsAllowed} one less, the pod in {@code disruptedPods}) under its
 * resourceVersion, so two evictions at once cannot both spend the last disruption. The pod is
 * deleted afterwards, by the caller.
 */
public final class EvictionAdmission {

  private static final int ATTEMPTS = 5;

  private EvictionAdmission() {}

  /** Why the eviction may not happen: 429 when a budget forbids it now, 500 otherwise. */
  public static final class Refused extends Exception {

    private final boolean tooManyRequests;

    Refused(boolean tooManyRequests, String message) {
      super(message);
      this.tooManyRequests = tooManyRequests;
    }

    public boolean tooManyRequests() {
      return tooManyRequests;
    }
  }

  /** Lets the eviction of {@code pod} happen (recording it in its budget) or refuses it. */
  public static void admit(ObjectStore store, JsonObject pod, Instant now) throws Refused {
    if (DisruptionBudgets.exempt(pod)) {
      return;
    }
    JsonObject metadata = object(pod, "metadata");
    String namespace = metadata.getString("namespace", "");
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      List<StoredObject> budgets = store.list(ResourceTypes.POD_DISRUPTION_BUDGET.all(
              Optional.of(namespace), "")).items().stream()
          .filter(budget -> DisruptionBudgets.selects(budget.json(), pod)).toList();
      if (budgets.isEmpty()) {
        return;
      }
      if (budgets.size() > 1) {
        throw new Refused(false, "This pod has more than one PodDisruptionBudget, which the"
            + " eviction subresource does not support.");
      }
      StoredObject budget = budgets.get(0);
      Optional<String> refusal = DisruptionBudgets.refusal(budget.json(), pod);
      if (refusal.isPresent()) {
        throw new Refused(true, refusal.get());
      }
      if (!DisruptionBudgets.counts(pod)) {
        return;
      }
      try {
        store.update(budget.key(), ResourceTypes.POD_DISRUPTION_BUDGET.apiVersion(),
            new Preconditions(Optional.of(object(budget.json(), "metadata").getString("uid", "")),
                Optional.of(budget.resourceVersion())),
            current -> DisruptionBudgets.withEviction(current, metadata.getString("name", ""),
                now));
        return;
      } catch (ConflictException | NotFoundException e) {
        // the budget changed meanwhile: judge again with the new one
      }
    }
    throw new Refused(true, "The disruption budget is being changed by too many evictions at"
        + " once; try again.");
  }
}
