package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.json.JsonFields;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What claiming decides for one owner before anything is written, as Kubernetes'
 * {@code ControllerRefManager.ClaimObject}: its own objects that its selector still matches
 * ({@code owned}), orphans it should adopt ({@code adopt}), and its own that no longer match
 * ({@code release}). Objects controlled by anyone else are in none of them.
 */
record ClaimPlan(List<JsonObject> owned, List<JsonObject> adopt, List<JsonObject> release) {

  /**
   * @param ownerUid the owner's uid, which its controller references carry
   * @param selector the owner's selector; without one nothing is adopted or released
   * @param adoptsOrphans false for controllers that keep what they made and never adopt
   * @param claimable objects that may be adopted or released at all (a ReplicaSet: active pods)
   * @param objects the owned kind's objects in the owner's namespace
   */
  static ClaimPlan of(String ownerUid, Optional<LabelSelector> selector, boolean adoptsOrphans,
      Predicate<JsonObject> claimable, List<JsonObject> objects) {
    List<JsonObject> owned = new ArrayList<>();
    List<JsonObject> adopt = new ArrayList<>();
    List<JsonObject> release = new ArrayList<>();
    boolean claims = adoptsOrphans && selector.isPresent();
    for (JsonObject object : objects) {
      boolean matches = selector.map(s -> s.matches(JsonFields.strings(
          object(object(object, "metadata"), "labels")))).orElse(false);
      Optional<JsonObject> controller = OwnedPods.controllerOf(object);
      if (controller.isPresent()) {
        if (!ownerUid.equals(controller.get().getString("uid", ""))) {
          continue; // someone else's
        }
        if (matches || !claims) {
          owned.add(object);
        } else if (claimable.test(object)) {
          release.add(object);
        }
      } else if (claims && matches && claimable.test(object)
          && !ObjectMetadata.isDeleting(object)) {
        adopt.add(object);
      }
    }
    return new ClaimPlan(owned, adopt, release);
  }
}
