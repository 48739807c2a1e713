package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.access.tokens.SigningKeys;
import dev.capstan.admission.limits.LimitRanger;
import dev.capstan.admission.podsecurity.PodSecurityAdmission;
import dev.capstan.admission.podsecurity.PodTemplates;
import dev.capstan.admission.quota.QuotaCheck;
import dev.capstan.admission.quota.QuotaUsage;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.resources.ResourceList;
import dev.capstan.store.ConflictException;
import dev.capstan.store.CreateAdmission;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.ObjectKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The admission chain every create of a namespaced object goes through, whoever creates it (the
 * REST API, a controller), in Kubernetes' plugin order: a claim's default StorageClass and the
 * storage protection finalizers (a PersistentVolume's too), LimitRanger's defaults, then the
 * ServiceAccount rule, then LimitRanger's min/max checks, then PodSecurity (pods refused,
 * workloads' templates warned about), then ResourceQuota. Runs inside the
 * create's transaction under the store's revision lock ({@link CreateAdmission}), so the quota
 * usage it reads is current and the charge it writes to {@code status.used} (with the quota's
 * resourceVersion as precondition) commits with the object or not at all: two creates racing
 * on any servers cannot both take the last unit.
 */
@ApplicationScoped
public class Admission implements CreateAdmission {

  @Inject
  private ObjectStore store;

  @Inject
  private PodSecurityAdmission podSecurity;

  private final Clock clock = Clock.systemUTC();
  private final java.util.random.RandomGenerator random = new java.security.SecureRandom();

  @Override
  public JsonObject admit(ObjectKey key, JsonObject object) {
    Optional<ResourceType> type = typeOf(key);
    if (type.isPresent() && type.get() == ResourceTypes.PERSISTENT_VOLUME) {
      return StorageAdmission.protect(object, StorageAdmission.PV_PROTECTION);
    }
    if (key.namespace().isEmpty() || type.isEmpty()) {
      return object;
    }
    JsonObject admitted = object;
    if (type.get() == ResourceTypes.PERSISTENT_VOLUME_CLAIM) {
      admitted = StorageAdmission.protect(StorageAdmission.withDefaultClass(admitted,
          store.list(ResourceTypes.STORAGE_CLASS.all(Optional.empty(), "")).bodies()),
          StorageAdmission.PVC_PROTECTION);
    }
    if (type.get() == ResourceTypes.POD) {
      admitted = admitPod(key, admitted);
      podSecurity.admitPod(key.namespace(), admitted);
    } else if (PodTemplates.hasTemplate(type.get().group(), type.get().kind())) {
      podSecurity.admitWorkload(type.get(), key.namespace(), admitted);
    } else if (type.get() == ResourceTypes.RESOURCE_QUOTA) {
      admitted = withUsage(type.get(), key.namespace(), admitted);
    }
    charge(type.get(), key.namespace(), admitted);
    return admitted;
  }

  private JsonObject admitPod(ObjectKey key, JsonObject pod) {
    List<JsonObject> limitRanges = objects(ResourceTypes.LIMIT_RANGE, key.namespace());
    JsonObject admitted = LimitRanger.withDefaults(pod, limitRanges);
    boolean mirror = ServiceAccountAdmission.isMirror(admitted);
    if (mirror && !object(admitted, "spec").getString("serviceAccountName", "").isEmpty()) {
      throw new AdmissionDenied("pods", key.name(), ServiceAccountAdmission.MIRROR_WITH_ACCOUNT);
    }
    if (!mirror) {
      admitted = ServiceAccountAdmission.withAccount(admitted);
    }
    List<String> violations = LimitRanger.violations(object(admitted, "spec"), limitRanges);
    if (!violations.isEmpty()) {
      throw new AdmissionDenied("pods", key.name(), violations.size() == 1
          ? violations.get(0) : "[" + String.join(", ", violations) + "]");
    }
    String account = ServiceAccountAdmission.accountOf(admitted);
    Optional<JsonObject> serviceAccount = mirror ? Optional.empty()
        : store.get(ResourceTypes.SERVICE_ACCOUNT.key(key.namespace(), account))
            .map(stored -> stored.json());
    if (!mirror && ServiceAccountAdmission.mustExist(account) && serviceAccount.isEmpty()) {
      throw new AdmissionDenied("pods", key.name(),
          ServiceAccountAdmission.notFound(key.namespace(), account));
    }
    // a server without signing keys could not issue the token: mount nothing rather than leave
    // every pod waiting for a volume its node can never fill
    if (!mirror && SigningKeys.configured().isPresent()
        && ServiceAccountAdmission.automounts(admitted, serviceAccount)) {
      admitted = ServiceAccountAdmission.withTokenVolume(admitted, random);
    }
    JsonObject status = object(admitted, "status");
    if (status.containsKey("qosClass")) {
      // defaults may have changed it
      admitted = Json.createObjectBuilder(admitted).add("status", Json.createObjectBuilder(status)
          .add("qosClass", QosClass.of(object(admitted, "spec")))).build();
    }
    return admitted;
  }

  /** A new quota starts with its usage counted, itself included. */
  private JsonObject withUsage(ResourceType type, String namespace, JsonObject quota) {
    Instant now = clock.instant();
    ResourceList hard = ResourceList.of(object(object(quota, "spec"), "hard"));
    ResourceList used = QuotaUsage.used(quota, t -> objects(t, namespace), now)
        .plus(QuotaUsage.of(type, quota, now).mask(QuotaUsage.tracked(type, hard.names())));
    return Json.createObjectBuilder(quota).add("status", Json.createObjectBuilder()
        .add("hard", hard.toJson()).add("used", used.toJson())).build();
  }

  private void charge(ResourceType type, String namespace, JsonObject object) {
    List<JsonObject> quotas = objects(ResourceTypes.RESOURCE_QUOTA, namespace);
    if (quotas.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    List<QuotaCheck.Charge> charges = QuotaCheck.check(quotas, type, object, now,
        quota -> QuotaUsage.used(quota, t -> objects(t, namespace), now));
    for (QuotaCheck.Charge charge : charges) {
      JsonObject metadata = object(charge.quota(), "metadata");
      try {
        store.update(ResourceTypes.RESOURCE_QUOTA.key(namespace, metadata.getString("name", "")),
            ResourceTypes.RESOURCE_QUOTA.apiVersion(),
            new Preconditions(Optional.of(metadata.getString("uid", "")),
                ObjectMetadata.resourceVersion(charge.quota())),
            current -> Json.createObjectBuilder(current).add("status", Json.createObjectBuilder()
                .add("hard", charge.hard().toJson()).add("used", charge.used().toJson()))
                .build(),
            // a charge is a write even when a recount makes the usage what the record said:
            // else the quota controller could still store a count made before this create
            true);
      } catch (NotFoundException | ConflictException e) {
        // cannot happen under the revision lock; refuse rather than admit uncharged
        throw new IllegalStateException("quota " + namespace + "/" + metadata.getString("name", "")
            + " changed while it was being charged", e);
      }
    }
  }

  private List<JsonObject> objects(ResourceType type, String namespace) {
    return store.list(type.all(Optional.of(namespace), "")).bodies();
  }

  private static Optional<ResourceType> typeOf(ObjectKey key) {
    return ResourceTypes.all().stream()
        .filter(type -> type.group().equals(key.apiGroup()) && type.kind().equals(key.kind()))
        .findFirst();
  }
}
