package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.cron.CronSchedule;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a CronJob's controller should do now, decided from the CronJob, the Jobs it owns and the
 * time alone (no store, so it is tested with plain objects), as Kubernetes' CronJob controller
 * decides it: keep {@code status.active} to the unfinished Jobs (a finished one is a
 * {@code SawCompletedJob}); find the most recent scheduled time since the last one (or since
 * creation, or within {@code startingDeadlineSeconds}); unless suspended, too late, already
 * started or held back by {@code concurrencyPolicy: Forbid}, start a Job for it (replacing the
 * active ones under {@code Replace}); delete finished Jobs beyond the history limits; and say
 * when to look again (the next scheduled time).
 */
final class CronJobPlan {

  /** An event to record about the CronJob. */
  record Event(boolean warning, String reason, String message) {}

  /**
   * The decisions: Jobs to delete (active ones replaced, then old finished ones), the scheduled
   * time to start a Job for, events, the status as it stands without that new Job, and when to
   * reconcile again.
   */
  record Actions(List<JsonObject> deleteJobs, Optional<Instant> start, List<Event> events,
      JsonObject status, Optional<Instant> requeueAt) {}

  private CronJobPlan() {}

  static Actions plan(JsonObject cronJob, List<JsonObject> jobs, ZoneId defaultZone,
      Instant now) {
    JsonObject spec = object(cronJob, "spec");
    JsonObject status = object(cronJob, "status");
    List<Event> events = new ArrayList<>();
    List<JsonObject> delete = new ArrayList<>();
    Set<String> activeNames = new HashSet<>();
    objects(status, "active").forEach(ref -> activeNames.add(ref.getString("name", "")));
    Set<String> jobNames = new HashSet<>();
    List<JsonObject> active = new ArrayList<>();
    Optional<Instant> lastSuccess = time(status, "lastSuccessfulTime");
    for (JsonObject job : jobs.stream().sorted(Comparator.comparing(CronJobPlan::created))
        .toList()) {
      String name = name(job);
      jobNames.add(name);
      Optional<String> finished = finished(job);
      if (finished.isEmpty()) {
        active.add(job);
      } else if (activeNames.contains(name)) {
        events.add(new Event(false, "SawCompletedJob",
            "Saw completed job: " + name + ", status: " + finished.get()));
      }
      if (finished.filter("Complete"::equals).isPresent()) {
        Optional<Instant> completed = time(object(job, "status"), "completionTime");
        if (completed.isPresent()
            && lastSuccess.map(last -> last.isBefore(completed.get())).orElse(true)) {
          lastSuccess = completed;
        }
      }
    }
    for (String name : activeNames) {
      if (!jobNames.contains(name)) {
        events.add(new Event(false, "MissingJob", "Active job went missing: " + name));
      }
    }
    Optional<Instant> start = Optional.empty();
    Optional<Instant> requeue = Optional.empty();
    Optional<Instant> lastSchedule = time(status, "lastScheduleTime");
    String zoneName = spec.getString("timeZone", "");
    ZoneId zone = defaultZone;
    boolean zoneKnown = true;
    if (!zoneName.isEmpty()) {
      try {
        zone = ZoneId.of(zoneName);
      } catch (DateTimeException e) {
        zoneKnown = false;
        events.add(new Event(true, "UnknownTimeZone", "invalid timeZone: \"" + zoneName
            + "\": " + e.getMessage()));
      }
    }
    if (zoneKnown && !spec.getBoolean("suspend", false)) {
      CronSchedule schedule = null;
      try {
        schedule = CronSchedule.parse(spec.getString("schedule", ""), zone);
      } catch (IllegalArgumentException e) {
        events.add(new Event(true, "InvalidSchedule", "invalid schedule: "
            + spec.getString("schedule", "") + " : " + e.getMessage()));
      }
      if (schedule != null) {
        Optional<Instant> scheduled = mostRecent(schedule, cronJob, now);
        requeue = schedule.next(now);
        OptionalDeadline deadline = deadline(spec);
        String policy = spec.getString("concurrencyPolicy", "Allow");
        if (scheduled.isPresent()) {
          Instant time = scheduled.get();
          String jobName = jobName(cronJob, time);
          boolean done = lastSchedule.map(time::equals).orElse(false)
              || jobNames.contains(jobName);
          if (done) {
            // started already
          } else if (deadline.seconds() != null
              && time.plusSeconds(deadline.seconds()).isBefore(now)) {
            events.add(new Event(false, "MissSchedule",
                "Missed scheduled time to start a job: " + time.atZone(zone)
                    .toOffsetDateTime()));
          } else if ("Forbid".equals(policy) && !active.isEmpty()) {
            events.add(new Event(false, "JobAlreadyActive", "Not starting job because prior"
                + " execution is running and concurrency policy is Forbid"));
          } else {
            if ("Replace".equals(policy)) {
              delete.addAll(active);
              active.clear();
            }
            start = Optional.of(time);
          }
        }
      }
    }
    // finished Jobs beyond the history limits go, the oldest first
    List<JsonObject> succeeded = jobs.stream()
        .filter(job -> finished(job).filter("Complete"::equals).isPresent())
        .sorted(Comparator.comparing(CronJobPlan::started)).toList();
    List<JsonObject> failed = jobs.stream()
        .filter(job -> finished(job).filter("Failed"::equals).isPresent())
        .sorted(Comparator.comparing(CronJobPlan::started)).toList();
    delete.addAll(oldest(succeeded, spec.getInt("successfulJobsHistoryLimit", 3)));
    delete.addAll(oldest(failed, spec.getInt("failedJobsHistoryLimit", 1)));
    JsonArrayBuilder activeRefs = Json.createArrayBuilder();
    active.forEach(job -> activeRefs.add(reference(job)));
    JsonObjectBuilder newStatus = Json.createObjectBuilder();
    if (!active.isEmpty()) {
      newStatus.add("active", activeRefs);
    }
    lastSchedule.ifPresent(t -> newStatus.add("lastScheduleTime", timestamp(t)));
    lastSuccess.ifPresent(t -> newStatus.add("lastSuccessfulTime", timestamp(t)));
    return new Actions(delete, start, events, newStatus.build(), requeue);
  }

  /** The Job's name for a scheduled time: {@code <cronjob>-<minutes since the epoch>}. */
  static String jobName(JsonObject cronJob, Instant scheduled) {
    return name(cronJob) + "-" + scheduled.getEpochSecond() / 60;
  }

  /**
   * The latest scheduled time after the last one started (or the CronJob's creation), and no
   * earlier than {@code startingDeadlineSeconds} ago; empty when none has come since.
   */
  static Optional<Instant> mostRecent(CronSchedule schedule, JsonObject cronJob, Instant now) {
    Instant earliest = time(object(cronJob, "status"), "lastScheduleTime")
        .orElse(time(object(cronJob, "metadata"), "creationTimestamp").orElse(now));
    Integer deadline = deadline(object(cronJob, "spec")).seconds();
    if (deadline != null && now.minusSeconds(deadline).isAfter(earliest)) {
      earliest = now.minusSeconds(deadline);
    }
    Instant since = earliest;
    return schedule.last(now).filter(last -> last.isAfter(since));
  }

  /** The Job's finished condition type ({@code Complete} or {@code Failed}), if it has one. */
  static Optional<String> finished(JsonObject job) {
    return objects(object(job, "status"), "conditions").stream()
        .filter(c -> "True".equals(c.getString("status", "")))
        .map(c -> c.getString("type", ""))
        .filter(type -> type.equals("Complete") || type.equals("Failed"))
        .findFirst();
  }

  static JsonObject reference(JsonObject job) {
    JsonObject metadata = object(job, "metadata");
    return Json.createObjectBuilder().add("apiVersion", "batch/v1").add("kind", "Job")
        .add("name", metadata.getString("name", ""))
        .add("namespace", metadata.getString("namespace", ""))
        .add("uid", metadata.getString("uid", ""))
        .add("resourceVersion", metadata.getString("resourceVersion", "")).build();
  }

  static String timestamp(Instant instant) {
    return java.time.format.DateTimeFormatter.ISO_INSTANT.format(
        instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  private record OptionalDeadline(Integer seconds) {}

  private static OptionalDeadline deadline(JsonObject spec) {
    return new OptionalDeadline(spec.get("startingDeadlineSeconds") instanceof JsonNumber n
        ? n.intValue() : null);
  }

  private static List<JsonObject> oldest(List<JsonObject> finished, int keep) {
    return finished.size() <= keep ? List.of()
        : finished.subList(0, finished.size() - Math.max(0, keep));
  }

  private static Optional<Instant> time(JsonObject object, String field) {
    String text = object.getString(field, "");
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String started(JsonObject job) {
    String start = object(job, "status").getString("startTime", "");
    return start.isEmpty() ? created(job) : start;
  }

  private static String created(JsonObject job) {
    return object(job, "metadata").getString("creationTimestamp", "");
  }

  private static String name(JsonObject object) {
    return object(object, "metadata").getString("name", "");
  }

}
