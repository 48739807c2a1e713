package dev.capstan.health;

import dev.capstan.controllers.ControllerManager;
import dev.capstan.jsonp.Json;
import dev.capstan.leader.LeaderElection;
import dev.capstan.scheduler.Scheduler;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The read-only {@code ComponentStatus} objects of {@code kubectl get componentstatuses}, built
 * from live checks on every request: the store ({@code etcd-0}, the name kubectl users know, here
 * the PostgreSQL database), the scheduler and the controller manager (each healthy while some
 * server holds and renews its lease).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ComponentStatuses {

  private static final List<String> NAMES = List.of("scheduler", "controller-manager", "etcd-0");

  @Inject
  private HealthChecks checks;

  @Inject
  private LeaderElection election;

  public List<JsonObject> all() {
    return NAMES.stream().map(this::status).toList();
  }

  public Optional<JsonObject> named(String name) {
    return NAMES.contains(name) ? Optional.of(status(name)) : Optional.empty();
  }

  private JsonObject status(String name) {
    return switch (name) {
      case "etcd-0" -> {
        HealthCheck database = checks.database();
        yield component(name, database.healthy(), database.healthy()
            ? "{\"health\":\"true\",\"reason\":\"\"}" : "", database.reason());
      }
      case "scheduler" -> election.holder(Scheduler.LEASE)
          .map(holder -> component(name, true, "ok", ""))
          .orElseGet(() -> component(name, false, "",
              "no server holds the " + Scheduler.LEASE + " lease"));
      case "controller-manager" -> election.holder(ControllerManager.LEASE)
          .map(holder -> component(name, true, "ok", ""))
          .orElseGet(() -> component(name, false, "",
              "no server holds the " + ControllerManager.LEASE + " lease"));
      default -> component(name, false, "", "unknown component");
    };
  }

  private static JsonObject component(String name, boolean healthy, String message, String error) {
    var condition = Json.createObjectBuilder()
        .add("type", "Healthy")
        .add("status", healthy ? "True" : "False")
        .add("message", message);
    if (!error.isEmpty()) {
      condition.add("error", error);
    }
    JsonArrayBuilder conditions = Json.createArrayBuilder().add(condition);
    return Json.createObjectBuilder()
        .add("kind", "ComponentStatus")
        .add("apiVersion", "v1")
        .add("metadata", Json.createObjectBuilder().add("name", name))
        .add("conditions", conditions)
        .build();
  }
}
