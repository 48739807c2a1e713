package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.Defaulting;
import dev.capstan.admission.InitialStatus;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The CronJob controller (batch/v1): starts a Job ({@code <cronjob>-<minutes since the epoch>},
 * owned by the CronJob, from its {@code jobTemplate}) at each scheduled time of its cron
 * schedule, read in {@code timeZone} (else the control plane's own zone, as Kubernetes does),
 * within the concurrency policy and starting deadline; keeps {@code status.active},
 * {@code lastScheduleTime} and {@code lastSuccessfulTime}; deletes finished Jobs beyond the
 * history limits. It asks to be woken at the next scheduled time ({@link Requeue}). The decisions
 * are {@link CronJobPlan}'s; this class reads and writes the store.
 */
final class CronJobController extends OwnerController {

  static final String SCHEDULED_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";
  private static final Logger LOG = Logger.getLogger(CronJobController.class.getName());
  private static final String COMPONENT = "cronjob-controller";

  CronJobController(ObjectStore store, EventRecorder events) {
    super(ResourceTypes.CRON_JOB, ResourceTypes.JOB, store, events);
  }

  /** As Kubernetes' CronJob controller: it has no selector, and never adopts Jobs. */
  @Override
  protected boolean adoptsOrphans() {
    return false;
  }

  @Override
  protected void sync(String key, JsonObject cronJob, List<JsonObject> owned) {
    String[] parts = key.split("/", 2);
    List<JsonObject> jobs = owned.stream().filter(job -> !ObjectMetadata.isDeleting(job))
        .toList();
    Instant now = Instant.now();
    CronJobPlan.Actions actions = CronJobPlan.plan(cronJob, jobs, ZoneId.systemDefault(), now);
    actions.events().forEach(event -> {
      if (event.warning()) {
        events.warning(cronJob, COMPONENT, event.reason(), event.message());
      } else {
        events.normal(cronJob, COMPONENT, event.reason(), event.message());
      }
    });
    actions.deleteJobs().forEach(job -> delete(cronJob, job));
    JsonObject status = actions.status();
    boolean namespaceTerminating = store.get(ResourceTypes.NAMESPACE.key("", parts[0]))
        .map(namespace -> ObjectMetadata.isDeleting(namespace.json())).orElse(true);
    if (actions.start().isPresent() && !namespaceTerminating) {
      Instant scheduled = actions.start().get();
      Optional<JsonObject> created = create(cronJob, scheduled);
      if (created.isPresent()) {
        JsonArrayBuilder active = Json.createArrayBuilder();
        jakarta.json.JsonArray before = status.getJsonArray("active");
        if (before != null) {
          before.forEach(active::add);
        }
        active.add(CronJobPlan.reference(created.get()));
        status = Json.createObjectBuilder(status).add("active", active)
            .add("lastScheduleTime", CronJobPlan.timestamp(scheduled)).build();
      }
    }
    actions.requeueAt().ifPresent(at -> requeueAt(key, at));
    if (!status.equals(object(cronJob, "status"))) {
      JsonObject written = status;
      try {
        store.update(ResourceTypes.CRON_JOB.key(parts[0], parts[1]), "batch/v1",
            Preconditions.NONE, latest -> Json.createObjectBuilder(latest).add("status", written)
                .build());
      } catch (NotFoundException | ConflictException e) {
        // deleted meanwhile
      }
    }
  }

  /** Creates the Job for a scheduled time; the one already there if it is this CronJob's. */
  private Optional<JsonObject> create(JsonObject cronJob, Instant scheduled) {
    JsonObject metadata = object(cronJob, "metadata");
    String namespace = metadata.getString("namespace", "");
    String name = CronJobPlan.jobName(cronJob, scheduled);
    JsonObject template = object(object(cronJob, "spec"), "jobTemplate");
    JsonObject templateMetadata = object(template, "metadata");
    ZoneId zone = zone(cronJob);
    JsonObjectBuilder jobMetadata = Json.createObjectBuilder()
        .add("name", name).add("namespace", namespace)
        .add("annotations", Json.createObjectBuilder(object(templateMetadata, "annotations"))
            .add(SCHEDULED_ANNOTATION, scheduled.atZone(zone).toOffsetDateTime().toString()))
        .add("ownerReferences", Json.createArrayBuilder().add(
            OwnedPods.controllerReference("batch/v1", "CronJob", cronJob)));
    if (!object(templateMetadata, "labels").isEmpty()) {
      jobMetadata.add("labels", object(templateMetadata, "labels"));
    }
    JsonObject job = InitialStatus.apply(ResourceTypes.JOB, Defaulting.apply("batch", "Job",
        Json.createObjectBuilder().add("apiVersion", "batch/v1").add("kind", "Job")
            .add("metadata", jobMetadata).add("spec", object(template, "spec")).build()));
    try {
      StoredObject created = store.create(ResourceTypes.JOB.key(namespace, name), "batch/v1",
          job);
      events.normal(cronJob, COMPONENT, "SuccessfulCreate", "Created job " + name);
      return Optional.of(created.json());
    } catch (AlreadyExistsException e) {
      String uid = metadata.getString("uid", "");
      return store.get(ResourceTypes.JOB.key(namespace, name)).map(StoredObject::json)
          .filter(existing -> OwnedPods.controllerOf(existing)
              .map(owner -> uid.equals(owner.getString("uid", ""))).orElse(false));
    } catch (RuntimeException e) {
      events.warning(cronJob, COMPONENT, "FailedCreate", "Error creating job: "
          + e.getMessage());
      LOG.warning(() -> "Creating job " + namespace + "/" + name + " failed: " + e);
      return Optional.empty();
    }
  }

  private void delete(JsonObject cronJob, JsonObject job) {
    JsonObject metadata = object(job, "metadata");
    try {
      store.delete(ResourceTypes.JOB.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "batch/v1",
          new Preconditions(Optional.of(metadata.getString("uid", "")), Optional.empty()));
      events.normal(cronJob, COMPONENT, "SuccessfulDelete", "Deleted job "
          + metadata.getString("name", ""));
    } catch (NotFoundException | ConflictException e) {
      // gone already
    }
  }

  private static ZoneId zone(JsonObject cronJob) {
    String named = object(cronJob, "spec").getString("timeZone", "");
    try {
      return named.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(named);
    } catch (java.time.DateTimeException e) {
      return ZoneId.systemDefault();
    }
  }
}
