package dev.capstan.api.objects;

import dev.capstan.access.NodeIdentity;
import dev.capstan.access.RequestingUser;
import dev.capstan.admission.AdmissionAttributes;
import dev.capstan.admission.AdmissionAttributes.Operation;
import dev.capstan.admission.DefaultTolerationSeconds;
import dev.capstan.admission.AdmissionDenied;
import dev.capstan.admission.Defaulting;
import dev.capstan.admission.GracefulDeletion;
import dev.capstan.admission.InitialStatus;
import dev.capstan.admission.noderestriction.NodeRestriction;
import dev.capstan.allocation.ServiceAllocator;
import dev.capstan.api.access.rbac.AccessReviews;
import dev.capstan.api.access.rbac.RbacWrites;
import dev.capstan.api.nodes.PodLogs;
import dev.capstan.api.options.GoStrings;
import dev.capstan.api.options.MetaOptions;
import dev.capstan.api.serviceaccounts.TokenRequests;
import dev.capstan.api.status.ApiException;
import dev.capstan.controllers.GarbageCollection;
import dev.capstan.disruption.EvictionAdmission;
import dev.capstan.controllers.NamespaceDeletion;
import dev.capstan.api.status.Statuses;
import dev.capstan.api.table.Tables;
import dev.capstan.health.ComponentStatuses;
import dev.capstan.kinds.Conversions;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.patch.InvalidPatchException;
import dev.capstan.json.JsonFields;
import dev.capstan.patch.PatchType;
import dev.capstan.patch.Patches;
import dev.capstan.scheduler.Bindings;
import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.InvalidSelectorException;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.ListQuery;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectList;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.store.schema.SchemaMigration;
import dev.capstan.validation.FieldError;
import dev.capstan.validation.ObjectValidation;
import dev.capstan.limits.JsonSize;
import dev.capstan.limits.RequestLimits;
import dev.capstan.patch.PatchTooLargeException;
import dev.capstan.validation.schema.ModelClasses;
import dev.capstan.validation.schema.TypedFields;
import dev.capstan.watch.ChangeLog;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The one generic handler behind every object URL of every kind:
 * route ({@link Target}) → kind registry → decode → validate → admit → store → respond
 * (the object, a list, or a Table).
 *
 * <p>Decoding includes the types: a body whose values do not fit its kind's schema is refused
 * before anything else looks at it ({@link #requireTypes}), and so is the result of every patch,
 * so that a patch cannot produce what a create could not. Name and namespace are an object's
 * identity: no write changes them (uid and creationTimestamp are kept by the store).
 */
@ApplicationScoped
public class ObjectEndpoint {

  /**
   * Found once: every {@code Json.create...} call looks the provider up through the
   * ServiceLoader, about a millisecond in WildFly's module class loaders, and this class calls it
   * for every node it builds or on every request.
   */
  private static final JsonProvider JSON = dev.capstan.jsonp.Json.provider();

  @Inject
  private ObjectStore store;

  @Inject
  private SchemaMigration schema;

  @Inject
  private Tables tables;

  @Inject
  private ChangeLog changeLog;

  @Inject
  private ComponentStatuses componentStatuses;

  @Inject
  private ServiceAllocator allocator;

  @Inject
  private RbacWrites rbacWrites;

  @Inject
  private AccessReviews reviews;

  @Inject
  private PodSecurityWrites podSecurity;

  @Inject
  private TokenRequests tokenRequests;

  @Inject
  private dev.capstan.api.nodes.NodeCredentialService nodeCredentials;

  /** Who asks: admission judges writes by it ({@link NodeRestriction}). */
  @Inject
  private RequestingUser requestingUser;

  @Inject
  private WriteTransaction writeTransaction;

  @Inject
  private UnsafeDeletion unsafeDeletion;

  private final Clock clock = Clock.systemUTC();

  /**
   * A write request run in one transaction with its answer's rendering ({@link WriteTransaction}):
   * an error answer leaves nothing stored. A dry run stores nothing to begin with and runs as it
   * is (its store calls roll themselves back).
   */
  Response committed(RequestOptions options, java.util.function.Supplier<Response> write) {
    return options.dryRun() ? WriteTransaction.rendered(write.get()) : writeTransaction.run(write);
  }

  Response get(Target target, RequestOptions options) {
    if (target.type() == ResourceTypes.COMPONENT_STATUS) {
      String name = target.name().orElseThrow();
      return respond(200, componentStatuses.named(name)
          .orElseThrow(() -> Statuses.notFound("componentstatuses", name)), target, options);
    }
    requireStore();
    if (target.subresource().filter("history"::equals).isPresent()) {
      return json(200, History.of(target, changeLog));
    }
    StoredObject object = find(target);
    if (target.subresource().isPresent()) {
      return switch (target.subresource().get()) {
        case "status" -> respond(200, object.json(), target, options);
        case "ephemeralcontainers" -> {
          if (!target.type().subresources().contains("ephemeralcontainers")) {
            throw Statuses.notFoundPath();
          }
          yield respond(200, object.json(), target, options);
        }
        case "scale" -> respond(200, Scales.of(target.type(), object.json()), target, options);
        case "log" -> {
          if (target.type() != ResourceTypes.POD) {
            throw Statuses.notFoundPath();
          }
          yield PodLogs.of(object.json(), options.query(), node -> store.get(
              ResourceTypes.NODE.key("", node)).map(StoredObject::json));
        }
        default -> throw Statuses.notFoundPath();
      };
    }
    return respond(200, object.json(), target, options);
  }

  Response list(Target target, RequestOptions options) {
    if (target.type() == ResourceTypes.COMPONENT_STATUS) {
      JsonArrayBuilder components = JSON.createArrayBuilder();
      componentStatuses.all().forEach(components::add);
      JsonObject list = JSON.createObjectBuilder()
          .add("kind", "ComponentStatusList").add("apiVersion", "v1")
          .add("metadata", JSON.createObjectBuilder()).add("items", components).build();
      return options.wantsTable()
          ? json(200, tables.list(target.type(), list, options.param("includeObject")))
          : json(200, list);
    }
    requireStore();
    ListQuery query = listQuery(target, options);
    ObjectList page = store.list(query);
    JsonObjectBuilder metadata = JSON.createObjectBuilder()
        .add("resourceVersion", Long.toString(page.resourceVersion()));
    page.continueAfter().ifPresent(position ->
        metadata.add("continue", ContinueToken.encode(page.resourceVersion(), position)));
    if (options.wantsTable()) {
      JsonArrayBuilder items = JSON.createArrayBuilder();
      page.items().forEach(item -> items.add(item.json()));
      JsonObject list = JSON.createObjectBuilder()
          .add("kind", target.type().listKind())
          .add("apiVersion", target.type().apiVersion())
          .add("metadata", metadata)
          .add("items", items)
          .build();
      return json(200, tables.list(target.type(), list, options.param("includeObject")));
    }
    // The stored bodies are already the JSON the API returns: splice them in rather than parse
    // and serialize every item again (a 10,000-pod list spent most of its time doing that).
    boolean converted = Conversions.converts(target.type());
    StringBuilder list = new StringBuilder(64 + page.items().size() * 600)
        .append("{\"kind\":").append(JSON.createValue(target.type().listKind()))
        .append(",\"apiVersion\":").append(JSON.createValue(target.type().apiVersion()))
        .append(",\"metadata\":").append(metadata.build())
        .append(",\"items\":[");
    for (int i = 0; i < page.items().size(); i++) {
      StoredObject item = page.items().get(i);
      list.append(i == 0 ? "" : ",").append(converted
          ? Conversions.toServed(target.type(), item.json()).toString() : item.body());
    }
    list.append("]}");
    return Response.ok(list.toString()).type(MediaType.APPLICATION_JSON_TYPE).build();
  }

  Response create(Target target, RequestOptions options, byte[] body) {
    ResourceType type = writable(target);
    if (type == ResourceTypes.POD && target.subresource().filter("binding"::equals).isPresent()) {
      return bind(target, options, Bodies.decode(options.contentType(), body));
    }
    if (type == ResourceTypes.POD && target.subresource().filter("eviction"::equals).isPresent()) {
      return evict(target, options, Bodies.decode(options.contentType(), body));
    }
    if (type == ResourceTypes.SERVICE_ACCOUNT
        && target.subresource().filter("token"::equals).isPresent()) {
      requireStore();
      return json(201, tokenRequests.create(target.namespaceOrEmpty(), target.name().orElseThrow(),
          Bodies.decode(options.contentType(), body)));
    }
    if (type == ResourceTypes.NODE && target.subresource().filter("token"::equals).isPresent()) {
      return json(201, nodeCredentials.issue(target.name().orElseThrow(),
          Bodies.decode(options.contentType(), body)));
    }
    if (!target.isCollection() || target.subresource().isPresent()) {
      throw Statuses.methodNotAllowed("POST");
    }
    if (type.createOnly()) {
      // an access review: answered, never stored
      return json(201, reviews.create(type, target.namespaceOrEmpty(),
          Bodies.decode(options.contentType(), body)));
    }
    if (type.namespaced() && target.namespace().isEmpty()) {
      throw Statuses.methodNotAllowed("POST");
    }
    JsonObject object = Bodies.decode(options.contentType(), body);
    checkKind(type, object);
    requireTypes(type, object);
    object = withNamespace(type, target, object);
    object = withGeneratedName(object);
    List<String> warnings = new java.util.ArrayList<>(FieldValidation.of(options).check(type,
        object));
    // checked in the version the request names, then stored (and defaulted) in the stored one
    object = Conversions.toStored(type, FieldValidation.pruned(type, object));
    type = Conversions.stored(type);
    object = InitialStatus.apply(type, DefaultTolerationSeconds.apply(type.group(), type.kind(),
        Defaulting.apply(type.group(), type.kind(), object)));
    validate(type, object, ObjectValidation.validateCreate(type, object));
    requireStore();
    rbacWrites.checkCreate(type, target.namespaceOrEmpty(), object);
    String name = ObjectValidation.nameOf(object);
    admit(options, target, Operation.CREATE, name, Optional.of(object), Optional.empty());
    if (type.namespaced()) {
      requireActiveNamespace(target.namespaceOrEmpty());
    }
    requireStorableSize(object);
    try {
      // a dry run is admitted (defaults, quota) and rolled back; a real service create also
      // takes its cluster IP and node ports in the same transaction
      StoredObject stored = type == ResourceTypes.SERVICE && !options.dryRun()
          ? createService(type.key(target.namespaceOrEmpty(), name), type.apiVersion(), object)
          : store.create(type.key(target.namespaceOrEmpty(), name), type.apiVersion(), object,
              options.dryRun());
      warnings.addAll(podSecurity.created(type, stored.json()));
      return withWarnings(respond(201, stored.json(), target, options), warnings);
    } catch (AlreadyExistsException e) {
      throw Statuses.alreadyExists(type.qualifiedPlural(), name);
    } catch (AdmissionDenied e) {
      throw Statuses.forbidden(e.resource(), e.name(), e.getMessage());
    }
  }

  /** {@code pods/binding}: what a scheduler posts to put a pod on a node. */
  private Response bind(Target target, RequestOptions options, JsonObject binding) {
    requireStore();
    String pod = target.name().orElseThrow();
    admit(options, target, Operation.CREATE, pod, Optional.of(binding), Optional.empty());
    String node = JsonFields.object(binding, "target").getString("name", "");
    if (node.isEmpty()) {
      throw Statuses.invalid("Binding", pod, List.of(FieldError.required("target.name")));
    }
    String uid = JsonFields.object(JsonFields.object(binding, "metadata"), "uid")
        .getString("uid", "");
    if (options.dryRun()) {
      return json(201, Statuses.success(201));
    }
    try {
      Bindings.bind(store, target.namespaceOrEmpty(), pod, node,
          new Preconditions(uid.isEmpty() ? Optional.empty() : Optional.of(uid), Optional.empty()),
          clock.instant());
      return json(201, Statuses.success(201));
    } catch (NotFoundException e) {
      throw Statuses.notFound("pods", pod);
    } catch (ConflictException e) {
      throw Statuses.conflict("pods/binding", pod, e.getMessage());
    } catch (Bindings.AlreadyBound e) {
      throw Statuses.conflict("pods/binding", pod, e.getMessage());
    }
  }

  /**
   * {@code pods/eviction}: deletes the pod as the Eviction's {@code deleteOptions} ask (with its
   * grace period, so its node agent stops it), answering 201 as Kubernetes does, unless its
   * PodDisruptionBudget forbids it now (429, see {@link EvictionAdmission}).
   */
  private Response evict(Target target, RequestOptions options, JsonObject eviction) {
    requireStore();
    String pod = target.name().orElseThrow();
    DeleteOptions deleteOptions = Evictions.deleteOptions(pod, eviction).withQuery(options);
    ObjectKey key = ResourceTypes.POD.key(target.namespaceOrEmpty(), pod);
    JsonObject current = find(target).json();
    admit(options, target, Operation.CREATE, pod, Optional.of(eviction), Optional.of(current));
    if (options.dryRun() || deleteOptions.dryRun()) {
      return json(201, Statuses.success(201));
    }
    try {
      // the pod's delete checks them first (rest.BeforeDelete: "Operation cannot be fulfilled
      // on Pod ...")
      DeletePreconditions.check(ResourceTypes.POD, current, deleteOptions.preconditions());
      EvictionAdmission.admit(store, current, clock.instant());
    } catch (EvictionAdmission.Refused e) {
      if (e.tooManyRequests()) {
        throw Statuses.tooManyRequests("Cannot evict pod as it would violate the pod's"
            + " disruption budget.", "DisruptionBudget", e.getMessage());
      }
      throw new ApiException(Statuses.internalError(e.getMessage()));
    }
    try {
      unwrap(() -> store.delete(key, "v1", deleteOptions.preconditions(),
          gracePeriod(ResourceTypes.POD, deleteOptions)));
      return json(201, Statuses.success(201));
    } catch (NotFoundException e) {
      throw Statuses.notFound("pods", pod);
    } catch (ConflictException e) {
      throw Statuses.conflict("pods", pod, e.getMessage());
    }
  }

  Response replace(Target target, RequestOptions options, byte[] body) {
    ResourceType type = writable(target);
    String name = target.name().orElseThrow(() -> Statuses.methodNotAllowed("PUT"));
    JsonObject submitted = BodyResourceVersion.check(Bodies.decode(options.contentType(), body));
    Optional<String> subresource = target.subresource();
    if (subresource.isPresent() && subresource.get().equals("scale")) {
      checkName(target, submitted);
      JsonObject scaled = update(target, options, Scales.preconditions(submitted),
          current -> Scales.apply(type, current, submitted));
      return respond(200, Scales.of(type, scaled), target, options);
    }
    checkKind(type, submitted);
    requireTypes(type, submitted);
    checkName(target, submitted);
    List<String> warnings = new java.util.ArrayList<>(FieldValidation.of(options).check(type,
        submitted));
    JsonObject desired = Defaulting.apply(type.group(), type.kind(), Conversions.toStored(type,
        withNamespace(type, target, withName(FieldValidation.pruned(type, submitted), name))));
    Optional<JsonObject> before = namespaceBefore(target);
    // as kube-apiserver's PUT, a uid in the body is a precondition (409 if it is not the object's)
    JsonObject updated = update(target, options, Scales.preconditions(submitted), current -> {
      validate(type, desired, ObjectValidation.validateUpdate(type, current, desired));
      rbacWrites.checkUpdate(type, target.namespaceOrEmpty(), current, desired);
      return Subresources.merge(type, subresource, current, subresource.isPresent()
          || options.dryRun() ? desired : allocated(type, desired, Optional.of(current)));
    });
    warnings.addAll(podSecurity.updated(target, before, updated));
    return withWarnings(respond(200, updated, target, options), warnings);
  }

  Response patch(Target target, RequestOptions options, byte[] body) {
    ResourceType type = writable(target);
    target.name().orElseThrow(() -> Statuses.methodNotAllowed("PATCH"));
    PatchType patchType = options.contentType()
        .flatMap(mediaType -> PatchType.forMediaType(mediaType.toString()))
        .orElseThrow(() -> Statuses.unsupportedPatch(options.contentType()));
    JsonValue patch = Bodies.decodeValue(Bodies.text(body));
    FieldValidation fieldValidation = FieldValidation.of(options);
    List<String> warnings = new java.util.ArrayList<>();
    Optional<String> subresource = target.subresource();
    boolean scale = subresource.isPresent() && subresource.get().equals("scale");
    Optional<JsonObject> before = namespaceBefore(target);
    JsonObject updated = update(target, options, Preconditions.NONE, current -> {
      try {
        if (scale) {
          JsonObject patchedScale = BodyResourceVersion.check(
              Patches.apply(patchType, Scales.of(type, current), patch));
          return Scales.apply(type, current, patchedScale);
        }
        // patched in the version the request names, as kube-apiserver patches
        JsonObject applied = BodyResourceVersion.check(Patches.apply(patchType,
            Conversions.toServed(type, current), patch));
        requirePatchedTypes(type, applied);
        checkName(target, applied);
        warnings.addAll(fieldValidation.check(type, applied));
        JsonObject pruned = FieldValidation.pruned(type, applied);
        checkKind(type, pruned);
        JsonObject patched = Defaulting.apply(type.group(), type.kind(),
            Conversions.toStored(type, pruned));
        validate(type, patched, ObjectValidation.validateUpdate(type, current, patched));
        rbacWrites.checkUpdate(type, target.namespaceOrEmpty(), current, patched);
        return Subresources.merge(type, subresource, current, subresource.isPresent()
            || options.dryRun() ? patched : allocated(type, patched, Optional.of(current)));
      } catch (PatchTooLargeException e) {
        throw Statuses.requestEntityTooLarge(e.getMessage());
      } catch (InvalidPatchException e) {
        throw Statuses.invalidPatch(e.getMessage());
      }
    });
    if (!scale) {
      warnings.addAll(podSecurity.updated(target, before, updated));
    }
    return withWarnings(respond(200, scale ? Scales.of(type, updated) : updated, target, options),
        warnings);
  }

  Response delete(Target target, RequestOptions options, byte[] body) {
    ResourceType type = writable(target);
    if (target.subresource().isPresent()) {
      throw Statuses.methodNotAllowed("DELETE");
    }
    requireStore();
    DeleteOptions deleteOptions = DeleteOptions.decode(options.contentType(), body)
        .withQuery(options);
    ObjectKey key = type.key(target.namespaceOrEmpty(), target.name().orElseThrow());
    if (deleteOptions.ignoreStoreReadError()) {
      // a corrupt object, which the normal delete cannot read
      return unsafeDeletion.delete(type, key);
    }
    if (requestingUser.get().flatMap(NodeIdentity::nodeName).isPresent()) {
      admit(options, target, Operation.DELETE, key.name(), Optional.empty(),
          Optional.of(find(target).json()));
    }
    if (DeletePreconditions.any(deleteOptions.preconditions())) {
      // checked on the object as read first, in the words of kube-apiserver's check there
      JsonObject current = find(target).json();
      if (type == ResourceTypes.NAMESPACE) {
        DeletePreconditions.checkNamespace(current, deleteOptions.preconditions());
      } else {
        DeletePreconditions.check(type, current, deleteOptions.preconditions());
      }
    }
    if (options.dryRun() || deleteOptions.dryRun()) {
      return respond(200, find(target).json(), target, options);
    }
    try {
      if (type == ResourceTypes.NAMESPACE) {
        // The namespace controller empties it (phase Terminating), then deletes it for good.
        StoredObject marked = unwrap(() -> store.markDeleting(key, type.apiVersion(),
            deleteOptions.preconditions(), NamespaceDeletion::terminating));
        return respond(200, marked.json(), target, options);
      }
      Optional<String> finalizer = GarbageCollection.finalizerFor(
          deleteOptions.effectivePropagationPolicy());
      if (finalizer.isPresent()) {
        // the garbage collector orphans or deletes the dependents, then lets the owner go
        unwrap(() -> store.update(key, Conversions.stored(type).apiVersion(),
            deleteOptions.preconditions(),
            current -> GarbageCollection.withFinalizer(current, finalizer.get())));
      }
      ObjectStore.DeleteResult result = unwrap(() -> store.delete(key,
          Conversions.stored(type).apiVersion(), deleteOptions.preconditions(),
          gracePeriod(type, deleteOptions)));
      return respond(200, result.object().json(), target, options);
    } catch (NotFoundException e) {
      throw Statuses.notFound(type.qualifiedPlural(), key.name());
    } catch (ConflictException e) {
      throw Statuses.conflict(type.qualifiedPlural(), key.name(), e.getMessage());
    }
  }

  private static ToLongFunction<JsonObject> gracePeriod(ResourceType type, DeleteOptions options) {
    return current -> GracefulDeletion.gracePeriodSeconds(type.group(), type.kind(), current,
        options.effectiveGracePeriodSeconds());
  }

  Response deleteCollection(Target target, RequestOptions options, byte[] body) {
    ResourceType type = writable(target);
    requireStore();
    DeleteOptions deleteOptions = DeleteOptions.decode(options.contentType(), body)
        .withQuery(options);
    if (deleteOptions.ignoreStoreReadError()) {
      throw Statuses.invalidOptions("DeleteOptions", List.of(new FieldError(
          MetaOptions.IGNORE_STORE_READ_ERROR, "FieldValueInvalid", "Invalid value: true: is not"
              + " allowed with DELETECOLLECTION, try again after removing the option")));
    }
    ObjectList page = store.list(listQuery(target, options));
    JsonArrayBuilder deleted = JSON.createArrayBuilder();
    for (StoredObject object : page.items()) {
      admit(options, target, Operation.DELETE, object.key().name(), Optional.empty(),
          Optional.of(object.json()));
      if (options.dryRun() || deleteOptions.dryRun()) {
        deleted.add(Conversions.toServed(type, object.json()));
        continue;
      }
      try {
        deleted.add(Conversions.toServed(type, unwrap(() -> store.delete(object.key(),
            Conversions.stored(type).apiVersion(), Preconditions.NONE,
            gracePeriod(type, deleteOptions))).object().json()));
      } catch (NotFoundException e) {
        // deleted by someone else meanwhile: the outcome the caller wanted
      } catch (ConflictException e) {
        throw new IllegalStateException("no preconditions were given", e);
      }
    }
    return json(200, JSON.createObjectBuilder()
        .add("kind", type.listKind())
        .add("apiVersion", type.apiVersion())
        .add("metadata", JSON.createObjectBuilder()
            .add("resourceVersion", Long.toString(store.currentRevision())))
        .add("items", deleted)
        .build());
  }

  // --- steps ---------------------------------------------------------------------------------------

  /** A namespace as it is before an update, whose labels Pod Security compares. */
  private Optional<JsonObject> namespaceBefore(Target target) {
    if (target.type() != ResourceTypes.NAMESPACE || target.subresource().isPresent()) {
      return Optional.empty();
    }
    requireStore();
    return store.get(ResourceTypes.NAMESPACE.key("", target.name().orElseThrow()))
        .map(StoredObject::json);
  }

  private JsonObject update(Target target, RequestOptions options, Preconditions preconditions,
      UnaryOperator<JsonObject> requested) {
    requireStore();
    ResourceType type = target.type();
    ObjectKey key = type.key(target.namespaceOrEmpty(), target.name().orElseThrow());
    UnaryOperator<JsonObject> mutation = podSecurity.admitted(target, requested);
    UnaryOperator<JsonObject> admitted = current -> {
      JsonObject next = mutation.apply(current);
      admit(options, target, Operation.UPDATE, key.name(), Optional.of(next),
          Optional.of(current));
      requireStorableSize(next);
      return next;
    };
    try {
      if (options.dryRun()) {
        return admitted.apply(find(target).json());
      }
      return unwrap(() -> store.update(key, Conversions.stored(type).apiVersion(), preconditions,
          admitted)).json();
    } catch (AdmissionDenied e) {
      throw Statuses.forbidden(e.resource(), e.name(), e.getMessage());
    } catch (NotFoundException e) {
      throw Statuses.notFound(type.qualifiedPlural(), key.name());
    } catch (ConflictException e) {
      throw Statuses.conflict(type.qualifiedPlural(), key.name(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw Statuses.badRequest(e.getMessage());
    }
  }

  ListQuery listQuery(Target target, RequestOptions options) {
    try {
      LabelSelector labels = LabelSelector.parse(options.param("labelSelector").orElse(""));
      FieldSelector fields = FieldSelector.parse(options.param("fieldSelector").orElse(""));
      fields.requireSupported(SelectableFields.of(target.type()));
      int limit = options.intParam("limit", 0);
      Optional<ListQuery.Position> after = options.param("continue").map(ContinueToken::decode);
      return new ListQuery(target.type().group(), target.type().kind(), target.namespace(),
          labels, fields, Math.max(limit, 0), after);
    } catch (InvalidSelectorException e) {
      throw Statuses.badRequest(e.getMessage());
    }
  }

  private StoredObject find(Target target) {
    ResourceType type = target.type();
    String name = target.name().orElseThrow();
    return store.get(type.key(target.namespaceOrEmpty(), name))
        .orElseThrow(() -> Statuses.notFound(type.qualifiedPlural(), name));
  }

  private void requireActiveNamespace(String namespace) {
    StoredObject object = store.get(ResourceTypes.NAMESPACE.key("", namespace))
        .orElseThrow(() -> Statuses.notFound("namespaces", namespace));
    if (ObjectMetadata.isDeleting(object.json())) {
      throw Statuses.forbidden("unable to create new content in namespace " + namespace
          + " because it is being terminated");
    }
  }

  /**
   * The admission plugins that judge a write by who asks ({@link NodeRestriction}); a refusal
   * is 403 with the plugin's words. Inside an update, it sees the object as stored in the
   * update's transaction.
   */
  private void admit(RequestOptions options, Target target, Operation operation,
      String name, Optional<JsonObject> object, Optional<JsonObject> oldObject) {
    Optional<dev.capstan.access.User> user = requestingUser.get();
    if (user.isEmpty()) {
      return;
    }
    ResourceType type = target.type();
    try {
      NodeRestriction.admit(new AdmissionAttributes(user.get(), operation,
          type.group(), type.plural(), target.subresource().orElse(""),
          target.namespaceOrEmpty(), name, object, oldObject));
    } catch (AdmissionDenied e) {
      throw Statuses.forbidden(e.resource(), e.name(), e.getMessage());
    }
  }

  private static ResourceType writable(Target target) {
    if (target.type().readOnly()) {
      throw Statuses.methodNotAllowed("write");
    }
    return target.type();
  }

  private static void checkKind(ResourceType type, JsonObject object) {
    String apiVersion = object.getString("apiVersion", type.apiVersion());
    String kind = object.getString("kind", type.kind());
    if (!apiVersion.equals(type.apiVersion())) {
      throw Statuses.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + type.apiVersion() + ")");
    }
    if (!kind.equals(type.kind())) {
      throw Statuses.badRequest("the kind in the data (" + kind
          + ") does not match the expected kind (" + type.kind() + ")");
    }
  }

  /**
   * 400 as kube-apiserver answers a body it cannot decode into its kind's Go type:
   * {@code ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal
   * number into Go struct field ConfigMap.data of type string}.
   */
  private static void requireTypes(ResourceType type, JsonObject object) {
    typeMismatch(type, object).ifPresent(error -> {
      throw Statuses.badRequest(type.kind() + " in version \"" + version(type)
          + "\" cannot be handled as a " + type.kind() + ": " + error);
    });
  }

  /**
   * 422 as kube-apiserver answers a patch whose result it cannot decode: {@code "" is invalid:
   * patch: Invalid value: "{\"apiVersion\":...}": json: cannot unmarshal ...}, the value being
   * the whole patched object as a Go-quoted string, as Kubernetes prints it (it does not cut it
   * short).
   */
  private static void requirePatchedTypes(ResourceType type, JsonObject patched) {
    typeMismatch(type, patched).ifPresent(error -> {
      throw Statuses.invalid("", "", List.of(new FieldError("patch", "FieldValueInvalid",
          "Invalid value: " + patchedValue(patched).map(value -> value + ": ").orElse("")
              + error)));
    });
  }

  private static Optional<String> typeMismatch(ResourceType type, JsonObject object) {
    return ModelClasses.of(type.group(), type.version(), type.kind())
        .flatMap(model -> TypedFields.mismatch(object, model));
  }

  /** The version part of an apiVersion: {@code v1} of {@code apps/v1}. */
  private static String version(ResourceType type) {
    String apiVersion = type.apiVersion();
    return apiVersion.substring(apiVersion.indexOf('/') + 1);
  }

  /**
   * The patched object for a message, Go-quoted as kube-apiserver's {@code field.Invalid} prints
   * its JSON. Kubernetes prints it whole; a patch result larger than an object may be (copies can
   * make it several MiB) is left out as Kubernetes leaves out values it omits ({@code
   * field.OmitValueType}: {@code patch: Invalid value: <why>}), so that an error answer stays
   * bounded (it carries the value twice, in the message and the cause).
   */
  private static Optional<String> patchedValue(JsonObject patched) {
    try {
      if (!JsonSize.exceeds(patched, RequestLimits.MAX_OBJECT_BYTES)) {
        return Optional.of(GoStrings.quote(patched.toString()));
      }
    } catch (StackOverflowError e) {
      // nested deeper than the writer can recurse: not worth a message
    }
    return Optional.empty();
  }

  /**
   * kube-apiserver's {@code checkName}, which its PUT (subresources included) and PATCH handlers
   * run on the body or the patched object before anything else: the object must name itself, by
   * the name in the URL, and any namespace it declares must be the request's (400 otherwise). A
   * body without a namespace gets the URL's.
   */
  private static void checkName(Target target, JsonObject object) {
    String name = target.name().orElseThrow();
    String objectName = ObjectValidation.nameOf(object);
    if (objectName.isEmpty()) {
      throw Statuses.badRequest("the name of the object (" + name
          + " based on URL) was undeterminable: name must be provided");
    }
    if (!objectName.equals(name)) {
      throw Statuses.badRequest("the name of the object (" + objectName
          + ") does not match the name on the URL (" + name + ")");
    }
    String namespace = target.namespaceOrEmpty();
    if (target.type().namespaced() && !namespace.isEmpty()
        && ObjectMetadata.metadata(object).get("namespace") instanceof jakarta.json.JsonString
            declared
        && !declared.getString().isEmpty() && !declared.getString().equals(namespace)) {
      throw Statuses.badRequest("the namespace of the object (" + declared.getString()
          + ") does not match the namespace on the request (" + namespace + ")");
    }
  }

  /**
   * 413 for an object larger than the store takes ({@link RequestLimits#MAX_OBJECT_BYTES}, etcd's
   * 1.5 MiB), in etcd's words ({@link Statuses#tooLargeToStore}): measured before it is written,
   * and without writing more than the limit.
   */
  private static void requireStorableSize(JsonObject object) {
    if (JsonSize.exceeds(object, RequestLimits.MAX_OBJECT_BYTES)) {
      throw Statuses.tooLargeToStore();
    }
  }

  private static JsonObject withNamespace(ResourceType type, Target target, JsonObject object) {
    JsonObject metadata = ObjectMetadata.metadata(object);
    if (!type.namespaced()) {
      return object;
    }
    String namespace = target.namespaceOrEmpty();
    String declared = metadata.getString("namespace", "");
    if (!declared.isEmpty() && !declared.equals(namespace)) {
      throw Statuses.badRequest("the namespace of the provided object does not match the"
          + " namespace sent on the request");
    }
    return JSON.createObjectBuilder(object)
        .add("metadata", JSON.createObjectBuilder(metadata).add("namespace", namespace))
        .build();
  }

  private static JsonObject withName(JsonObject object, String name) {
    return JSON.createObjectBuilder(object)
        .add("metadata", JSON.createObjectBuilder(ObjectMetadata.metadata(object)).add("name", name))
        .build();
  }

  private static JsonObject withGeneratedName(JsonObject object) {
    JsonObject metadata = ObjectMetadata.metadata(object);
    String generateName = metadata.getString("generateName", "");
    if (!metadata.getString("name", "").isEmpty() || generateName.isEmpty()) {
      return object;
    }
    return withName(object, GeneratedNames.next(generateName));
  }

  /** A Service stored with its cluster IP and node ports, in one transaction. */
  private StoredObject createService(ObjectKey key, String apiVersion, JsonObject service)
      throws AlreadyExistsException {
    try {
      return allocator.create(key, apiVersion, service);
    } catch (ServiceAllocator.AllocationFailed e) {
      throw Statuses.invalid("Service", key.name(), e.errors());
    }
  }

  /**
   * A Service with its cluster IP and node ports (kept from {@code previous} on update); in the
   * caller's transaction when there is one, so an update that fails releases what it took.
   */
  private JsonObject allocated(ResourceType type, JsonObject object,
      Optional<JsonObject> previous) {
    if (type != ResourceTypes.SERVICE) {
      return object;
    }
    try {
      return allocator.assign(object, previous);
    } catch (ServiceAllocator.AllocationFailed e) {
      throw Statuses.invalid(type.group(), type.kind(), ObjectValidation.nameOf(object),
          e.errors());
    }
  }

  private static void validate(ResourceType type, JsonObject object, List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw Statuses.invalid(type.group(), type.kind(), ObjectValidation.nameOf(object), errors);
    }
  }

  void requireStore() {
    schema.problem().ifPresent(problem -> {
      throw Statuses.serviceUnavailable("the cluster state store is not ready: " + problem);
    });
  }

  private Response respond(int code, JsonObject object, Target target, RequestOptions options) {
    if (options.wantsTable()) {
      return json(code, tables.single(target.type(), object, options.param("includeObject")));
    }
    return json(code, Conversions.toServed(target.type(), object));
  }

  /** Adds the {@code Warning} headers kube-apiserver would send ({@link WarningHeaders}). */
  private static Response withWarnings(Response response, List<String> warnings) {
    if (warnings.isEmpty()) {
      return response;
    }
    Response.ResponseBuilder builder = Response.fromResponse(response);
    WarningHeaders.of(warnings).forEach(header -> builder.header("Warning", header));
    return builder.build();
  }

  private static Response json(int code, JsonObject entity) {
    return Response.status(code).type(MediaType.APPLICATION_JSON_TYPE).entity(entity).build();
  }

  /** A store call whose validation failures (thrown inside a mutation) come back as Statuses. */
  private static <T> T unwrap(StoreCall<T> call) throws NotFoundException, ConflictException {
    try {
      return call.run();
    } catch (EJBException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ApiException api) {
          throw api;
        }
      }
      throw e;
    }
  }

  @FunctionalInterface
  private interface StoreCall<T> {
    T run() throws NotFoundException, ConflictException;
  }

}
