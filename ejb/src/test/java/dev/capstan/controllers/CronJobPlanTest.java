package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronJobPlanTest {

  private static final ZoneId UTC = ZoneId.of("UTC");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // what | spec fields | status | now | start expected (or -)
      "first run after creation|\"schedule\":\"*/5 * * * *\"|{}|2026-11-30T10:05:10Z|2026-11-30T10:05:00Z",
      "nothing due yet|\"schedule\":\"*/5 * * * *\"|{}|2026-11-30T10:04:59Z|-",
      "a time before creation is not run|\"schedule\":\"0 10 * * *\"|{}|2026-11-30T10:03:00Z|-",
      "already started for that time|\"schedule\":\"*/5 * * * *\"|{\"lastScheduleTime\":\"2026-11-30T10:05:00Z\"}|2026-11-30T10:07:00Z|-",
      "missed times: only the latest runs|\"schedule\":\"* * * * *\"|{\"lastScheduleTime\":\"2026-11-30T10:01:00Z\"}|2026-11-30T10:09:30Z|2026-11-30T10:09:00Z",
      "suspended|\"schedule\":\"*/5 * * * *\",\"suspend\":true|{}|2026-11-30T10:05:10Z|-",
      "within the starting deadline|\"schedule\":\"*/5 * * * *\",\"startingDeadlineSeconds\":30|{}|2026-11-30T10:05:20Z|2026-11-30T10:05:00Z",
      "past the starting deadline|\"schedule\":\"*/5 * * * *\",\"startingDeadlineSeconds\":10|{}|2026-11-30T10:05:20Z|-",
      "schedule read in its time zone|\"schedule\":\"5 11 * * *\",\"timeZone\":\"Europe/Berlin\"|{}|2026-11-30T10:05:10Z|2026-11-30T10:05:00Z",
      "an unknown time zone starts nothing|\"schedule\":\"*/5 * * * *\",\"timeZone\":\"Mars/Olympus\"|{}|2026-11-30T10:05:10Z|-"})
  void startsAJobForTheMostRecentScheduledTime(String what, String spec, String status,
      String now, String expected) {
    CronJobPlan.Actions actions = CronJobPlan.plan(cronJob(spec, status), List.of(), UTC,
        Instant.parse(now));

    assertThat(actions.start().map(Instant::toString).orElse("-")).as(what).isEqualTo(expected);
  }

  @Test
  void aTimeMissedByMoreThanTheStartingDeadlineIsSkippedUntilTheNextOne() {
    CronJobPlan.Actions actions = CronJobPlan.plan(cronJob(
        "\"schedule\":\"*/5 * * * *\",\"startingDeadlineSeconds\":10", "{}"), List.of(), UTC,
        Instant.parse("2026-11-30T10:05:20Z"));

    assertThat(actions.start()).isEmpty();
    assertThat(actions.requeueAt()).contains(Instant.parse("2026-11-30T10:10:00Z"));
  }

  @Test
  void jobNamesAreTheScheduledTimeInMinutesSinceTheEpoch() {
    assertThat(CronJobPlan.jobName(cronJob("\"schedule\":\"* * * * *\"", "{}"),
        Instant.parse("2026-11-30T10:05:00Z"))).isEqualTo("hello-29933885");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Allow runs beside the active one|Allow|2026-11-30T10:05:00Z|",
      "Forbid waits for the active one|Forbid|-|",
      "Replace deletes the active one|Replace|2026-11-30T10:05:00Z|hello-29933880"})
  void concurrencyPolicyDecidesWhatHappensToAnActiveJob(String what, String policy,
      String start, String deleted) {
    JsonObject running = job("hello-29933880", "2026-11-30T10:00:00Z", "");
    CronJobPlan.Actions actions = CronJobPlan.plan(cronJob("\"schedule\":\"*/5 * * * *\","
            + "\"concurrencyPolicy\":\"" + policy + "\"",
            "{\"lastScheduleTime\":\"2026-11-30T10:00:00Z\"}"), List.of(running), UTC,
        Instant.parse("2026-11-30T10:05:10Z"));

    assertThat(actions.start().map(Instant::toString).orElse("-")).as(what).isEqualTo(start);
    assertThat(actions.deleteJobs()).extracting(CronJobPlanTest::name).as(what)
        .containsExactlyElementsOf(deleted == null ? List.of() : List.of(deleted));
    if (policy.equals("Forbid")) {
      assertThat(actions.events()).extracting(CronJobPlan.Event::reason)
          .containsExactly("JobAlreadyActive");
    }
  }

  @Test
  void finishedJobsLeaveTheActiveListAndTheNewestSuccessIsRecorded() {
    JsonObject done = job("hello-1", "2026-11-30T10:00:00Z", "Complete");
    JsonObject failed = job("hello-2", "2026-11-30T10:01:00Z", "Failed");
    JsonObject running = job("hello-3", "2026-11-30T10:02:00Z", "");
    String status = """
        {"lastScheduleTime":"2026-11-30T10:02:00Z","active":[{"name":"hello-1"},
         {"name":"hello-2"},{"name":"hello-3"},{"name":"hello-gone"}]}""";

    CronJobPlan.Actions actions = CronJobPlan.plan(cronJob("\"schedule\":\"0 0 1 1 *\"", status),
        List.of(done, failed, running), UTC, Instant.parse("2026-11-30T10:02:30Z"));

    assertThat(actions.status().getJsonArray("active").getValuesAs(JsonObject.class))
        .extracting(ref -> ref.getString("name")).containsExactly("hello-3");
    assertThat(actions.status().getString("lastSuccessfulTime"))
        .isEqualTo("2026-11-30T10:00:30Z");
    assertThat(actions.events()).extracting(CronJobPlan.Event::message).containsExactlyInAnyOrder(
        "Saw completed job: hello-1, status: Complete",
        "Saw completed job: hello-2, status: Failed",
        "Active job went missing: hello-gone");
    assertThat(actions.start()).isEmpty();
  }

  @Test
  void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() {
    List<JsonObject> jobs = List.of(
        job("ok-1", "2026-11-30T10:00:00Z", "Complete"),
        job("ok-2", "2026-11-30T10:01:00Z", "Complete"),
        job("ok-3", "2026-11-30T10:02:00Z", "Complete"),
        job("bad-1", "2026-11-30T10:03:00Z", "Failed"),
        job("bad-2", "2026-11-30T10:04:00Z", "Failed"));

    CronJobPlan.Actions actions = CronJobPlan.plan(cronJob("\"schedule\":\"0 0 1 1 *\","
            + "\"successfulJobsHistoryLimit\":2,\"failedJobsHistoryLimit\":0", "{}"), jobs, UTC,
        Instant.parse("2026-11-30T10:05:00Z"));

    assertThat(actions.deleteJobs()).extracting(CronJobPlanTest::name)
        .containsExactly("ok-1", "bad-1", "bad-2");
  }

  private static JsonObject cronJob(String spec, String status) {
    return parse("""
        {"metadata":{"name":"hello","namespace":"default","uid":"u1",
          "creationTimestamp":"2026-11-30T10:04:00Z"},
         "spec":{%s,"jobTemplate":{"spec":{"template":{"spec":{"containers":[
           {"name":"c","image":"busybox"}]}}}}},
         "status":%s}""".formatted(spec, status));
  }

  private static JsonObject job(String name, String start, String finished) {
    String conditions = finished.isEmpty() ? "[]" : """
        [{"type":"%s","status":"True"}]""".formatted(finished);
    String completion = finished.equals("Complete")
        ? ",\"completionTime\":\"" + Instant.parse(start).plusSeconds(30) + "\"" : "";
    return parse("""
        {"metadata":{"name":"%s","namespace":"default","uid":"%s","creationTimestamp":"%s"},
         "status":{"startTime":"%s","conditions":%s%s}}"""
        .formatted(name, name, start, start, conditions, completion));
  }

  private static String name(JsonObject object) {
    return object.getJsonObject("metadata").getString("name");
  }

  private static JsonObject parse(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

}
