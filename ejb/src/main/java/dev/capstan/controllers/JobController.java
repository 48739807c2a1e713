package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.admission.AdmissionDenied;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Job controller: runs a Job's pods to {@code completions} successes, {@code parallelism} at
 * a time (a work queue when completions is unset: done at the first success), and gives up with
 * condition Failed after more than {@code backoffLimit} failed pods ({@code BackoffLimitExceeded})
 * or past {@code activeDeadlineSeconds} ({@code DeadlineExceeded}). Its pods carry the labels
 * Kubernetes gives them ({@code batch.kubernetes.io/controller-uid}, {@code job-name}) and a
 * controller reference; the status counts active, ready, succeeded and failed pods.
 */
final class JobController extends OwnerController {

  private static final String COMPONENT = "job-controller";

  JobController(ObjectStore store, EventRecorder events) {
    super(ResourceTypes.JOB, ResourceTypes.POD, store, events);
  }

  /**
   * Claims pods as Kubernetes' Job controller does: by {@code spec.selector} when the Job has one
   * (a manual selector; Capstan does not write the generated one, whose controller-uid label
   * could only match the Job's own pods anyway), else only the pods it made.
   */
  @Override
  protected void sync(String key, JsonObject job, List<JsonObject> pods) {
    String[] parts = key.split("/", 2);
    JsonObject spec = object(job, "spec");
    JsonObject status = object(job, "status");
    int succeeded = (int) pods.stream()
        .filter(pod -> OwnedPods.phase(pod).equals("Succeeded")).count();
    int failed = (int) pods.stream().filter(pod -> OwnedPods.phase(pod).equals("Failed")).count();
    List<JsonObject> active = pods.stream()
        .filter(pod -> !ObjectMetadata.isDeleting(pod) && !OwnedPods.terminal(pod)).toList();
    int ready = (int) active.stream().filter(OwnedPods::ready).count();
    int terminating = (int) pods.stream()
        .filter(pod -> ObjectMetadata.isDeleting(pod) && !OwnedPods.terminal(pod)).count();
    Instant now = Instant.now();
    String startTime = status.getString("startTime", ObjectMetadata.timestamp(now));
    Optional<String> finished = objects(status, "conditions").stream()
        .filter(c -> "True".equals(c.getString("status", "")))
        .map(c -> c.getString("type", ""))
        .filter(type -> type.equals("Complete") || type.equals("Failed"))
        .findFirst();
    Optional<JsonNumber> completionsValue = spec.get("completions") instanceof JsonNumber n
        ? Optional.of(n) : Optional.empty();
    int parallelism = spec.getInt("parallelism", 1);
    int backoffLimit = spec.getInt("backoffLimit", 6);
    JsonObject condition = null;
    // since 1.31 the job controller writes the interim condition before the final one
    JsonObject interim = null;
    if (finished.isEmpty()) {
      boolean complete = completionsValue.map(c -> succeeded >= c.intValue())
          .orElse(succeeded > 0 && active.isEmpty());
      OptionalLong deadline = spec.get("activeDeadlineSeconds") instanceof JsonNumber d
          ? OptionalLong.of(d.longValue()) : OptionalLong.empty();
      if (complete) {
        interim = condition("SuccessCriteriaMet", "CompletionsReached",
            "Reached expected number of succeeded pods", now);
        condition = condition("Complete", "CompletionsReached",
            "Reached expected number of succeeded pods", now);
        events.normal(job, COMPONENT, "Completed", "Job completed");
      } else if (failed > backoffLimit) {
        interim = condition("FailureTarget", "BackoffLimitExceeded",
            "Job has reached the specified backoff limit", now);
        condition = condition("Failed", "BackoffLimitExceeded",
            "Job has reached the specified backoff limit", now);
        events.warning(job, COMPONENT, "BackoffLimitExceeded",
            "Job has reached the specified backoff limit");
      } else if (deadline.isPresent() && Instant.parse(startTime)
          .plus(Duration.ofSeconds(deadline.getAsLong())).isBefore(now)) {
        interim = condition("FailureTarget", "DeadlineExceeded",
            "Job was active longer than specified deadline", now);
        condition = condition("Failed", "DeadlineExceeded",
            "Job was active longer than specified deadline", now);
        events.warning(job, COMPONENT, "DeadlineExceeded",
            "Job was active longer than specified deadline");
      } else if (!spec.getBoolean("suspend", false)) {
        // as Kubernetes' job controller: asked for again when the deadline passes, not only at
        // the next resync
        deadline.ifPresent(seconds -> requeueAt(key,
            Instant.parse(startTime).plus(Duration.ofSeconds(seconds)).plusMillis(1)));
        int remaining = completionsValue.map(c -> c.intValue() - succeeded).orElse(parallelism);
        int wanted = Math.max(0, Math.min(parallelism, remaining));
        for (int i = active.size(); i < wanted; i++) {
          create(job);
        }
      }
      if (condition != null) {
        active.forEach(pod -> OwnedPods.delete(store, pod));
      }
    }
    JsonObject currentCondition = condition;
    var updatedStatus = Json.createObjectBuilder(status)
        .add("startTime", startTime)
        .add("active", condition == null ? active.size() : 0)
        .add("ready", ready)
        .add("terminating", terminating)
        .add("succeeded", succeeded)
        .add("failed", failed)
        .add("uncountedTerminatedPods", object(status, "uncountedTerminatedPods"));
    if (currentCondition != null) {
      var conditions = Json.createArrayBuilder();
      objects(status, "conditions").forEach(conditions::add);
      if (interim != null) {
        conditions.add(interim);
      }
      conditions.add(currentCondition);
      updatedStatus.add("conditions", conditions);
      if (currentCondition.getString("type").equals("Complete")) {
        updatedStatus.add("completionTime", ObjectMetadata.timestamp(now));
      }
    }
    JsonObject newStatus = updatedStatus.build();
    if (newStatus.equals(status)) {
      return;
    }
    try {
      store.update(ResourceTypes.JOB.key(parts[0], parts[1]), "batch/v1", Preconditions.NONE,
          latest -> Json.createObjectBuilder(latest).add("status", newStatus).build());
    } catch (NotFoundException | ConflictException e) {
      // deleted meanwhile
    }
  }

  private void create(JsonObject job) {
    JsonObject metadata = object(job, "metadata");
    JsonObject template = object(object(job, "spec"), "template");
    String jobName = metadata.getString("name", "");
    String uid = metadata.getString("uid", "");
    JsonObject labels = Json.createObjectBuilder(object(object(template, "metadata"), "labels"))
        .add("batch.kubernetes.io/controller-uid", uid).add("controller-uid", uid)
        .add("batch.kubernetes.io/job-name", jobName).add("job-name", jobName).build();
    try {
      OwnedPods.create(store, job, OwnedPods.controllerReference("batch/v1", "Job", job), template,
              labels)
          .ifPresent(name -> events.normal(job, COMPONENT, "SuccessfulCreate",
              "Created pod: " + name));
    } catch (AdmissionDenied e) {
      events.warning(job, COMPONENT, "FailedCreate", "Error creating: " + e.getMessage());
    }
  }

  private static JsonObject condition(String type, String reason, String message, Instant now) {
    var condition = Json.createObjectBuilder().add("type", type).add("status", "True")
        .add("lastProbeTime", ObjectMetadata.timestamp(now))
        .add("lastTransitionTime", ObjectMetadata.timestamp(now));
    if (reason != null) {
      condition.add("reason", reason).add("message", message);
    }
    return condition.build();
  }

}
