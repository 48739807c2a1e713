package dev.capstan.api.objects;

import dev.capstan.access.RequestingUser;
import dev.capstan.api.access.AccessControl;
import dev.capstan.api.access.Decision;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.api.options.MetaOptions;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.store.NotCorruptException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.validation.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Kubernetes' unsafe deletion of a corrupt object (KEP-3926): a DELETE with
 * {@code ignoreStoreReadErrorWithClusterBreakingPotential=true} (in the query or the
 * DeleteOptions body) removes an object whose stored body cannot be read or decoded, without
 * reading it ({@link ObjectStore#deleteCorrupt}), so that one broken object cannot block its
 * namespace's deletion, or a list of its kind, for good. The options were validated first (no dry
 * run, preconditions, grace period or propagation with it: {@link
 * dev.capstan.api.options.MetaOptions#validateDelete}); it takes the verbs {@code delete} (the
 * access filter checked it) and {@code unsafe-delete-ignore-read-errors} on the resource, and
 * applies only to corrupt objects: a readable or missing one is refused (422), as
 * kube-apiserver's {@code corruptObjectDeleter} refuses it.
 */
@ApplicationScoped
public class UnsafeDeletion {

  static final String VERB = "unsafe-delete-ignore-read-errors";

  @Inject
  private ObjectStore store;

  @Inject
  private AccessControl access;

  @Inject
  private RequestingUser requestingUser;

  /**
   * Deletes the corrupt object, answering a Success Status as kube-apiserver does when the
   * deleted object cannot be returned: {@code details} name it and its kind.
   */
  Response delete(ResourceType type, ObjectKey key) {
    authorize(type, key);
    try {
      store.deleteCorrupt(key, type.apiVersion());
      JsonObject status = Json.createObjectBuilder(Statuses.success(200))
          .add("details", Json.createObjectBuilder().add("name", key.name())
              .add("kind", type.kind()))
          .build();
      return Response.ok(status).type(MediaType.APPLICATION_JSON_TYPE).build();
    } catch (NotFoundException | NotCorruptException e) {
      // kube-apiserver reads the object first: found and readable, or not found, it refuses
      throw Statuses.invalid(type.qualifiedPlural(), key.name(), List.of(new FieldError(
          MetaOptions.IGNORE_STORE_READ_ERROR, "FieldValueInvalid", "Invalid value: true: is"
              + " exclusively used to delete corrupt object(s), try again by removing this"
              + " option")));
    }
  }

  private void authorize(ResourceType type, ObjectKey key) {
    requestingUser.get().ifPresent(user -> {
      Decision decision = access.authorize(user, new RequestInfo(true, VERB, "", type.group(),
          type.version(), key.namespace(), type.plural(), "", key.name()));
      if (!decision.allowed()) {
        throw Statuses.forbidden(type.plural(), key.name(), type.qualifiedPlural() + " \""
            + key.name() + "\" is forbidden: not permitted to do \"" + VERB + "\", reason: "
            + decision.reason());
      }
    });
  }
}
