package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Objects written through the REST API land in PostgreSQL, and bad input never does. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NamespaceApiIT {

  private static final TestServer SERVER = TestServer.SUITE;

  @Test
  void createdNamespaceIsStoredInPostgresAndReadBack() throws Exception {
    String name = uniqueName();
    HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/namespaces"),
        Http.namespace(name));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject body = Http.json(created);
    JsonObject metadata = body.getJsonObject("metadata");
    assertThat(body.getString("kind")).isEqualTo("Namespace");
    assertThat(metadata.getString("name")).isEqualTo(name);
    assertThat(metadata.getString("uid")).isNotBlank();
    assertThat(metadata.getString("creationTimestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    long resourceVersion = Long.parseLong(metadata.getString("resourceVersion"));
    assertThat(resourceVersion).isPositive();

    assertThat(Database.queryString(
            "select uid::text from api_object where kind = 'Namespace' and name = ?", name))
        .contains(metadata.getString("uid"));
    assertThat(Database.queryString(
            "select event_type from api_change where name = ? and revision = ?::bigint",
            name, Long.toString(resourceVersion)))
        .contains("ADDED");

    HttpResponse<String> read = Http.get(SERVER.api("/api/v1/namespaces/" + name));
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(Http.json(read).getJsonObject("metadata").getString("uid"))
        .isEqualTo(metadata.getString("uid"));
  }

  @Test
  void everyWriteGetsAHigherResourceVersion() {
    long first = resourceVersionOf(Http.postJson(SERVER.api("/api/v1/namespaces"),
        Http.namespace(uniqueName())));
    long second = resourceVersionOf(Http.postJson(SERVER.api("/api/v1/namespaces"),
        Http.namespace(uniqueName())));
    assertThat(second).isGreaterThan(first);
  }

  @Test
  void creatingAnExistingNamespaceIsAConflict() throws Exception {
    String name = uniqueName();
    HttpResponse<String> first = Http.postJson(SERVER.api("/api/v1/namespaces"), Http.namespace(name));
    assertThat(first.statusCode()).isEqualTo(201);
    String uid = Http.json(first).getJsonObject("metadata").getString("uid");

    HttpResponse<String> second = Http.postJson(SERVER.api("/api/v1/namespaces"), Http.namespace(name));

    assertThat(second.statusCode()).isEqualTo(409);
    JsonObject status = Http.json(second);
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("reason")).isEqualTo("AlreadyExists");
    assertThat(status.getString("message")).isEqualTo("namespaces \"" + name + "\" already exists");
    assertThat(Database.queryString("select uid::text from api_object where name = ?", name))
        .as("the first object is untouched").contains(uid);
  }

  @Test
  void invalidNameIsRejectedWith422NamingTheFieldAndNothingIsStored() throws Exception {
    HttpResponse<String> response = Http.postJson(SERVER.api("/api/v1/namespaces"),
        Http.namespace("Bad_Name"));

    assertThat(response.statusCode()).isEqualTo(422);
    JsonObject status = Http.json(response);
    assertThat(status.getString("reason")).isEqualTo("Invalid");
    assertThat(status.getString("message"))
        .startsWith("Namespace \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"");
    JsonObject cause = status.getJsonObject("details").getJsonArray("causes").getJsonObject(0);
    assertThat(cause.getString("field")).isEqualTo("metadata.name");
    assertThat(cause.getString("reason")).isEqualTo("FieldValueInvalid");
    assertThat(Database.queryString("select name from api_object where name = ?", "Bad_Name"))
        .isEmpty();
  }

  @Test
  void missingNameIsRejectedAsRequired() {
    HttpResponse<String> response = Http.postJson(SERVER.api("/api/v1/namespaces"),
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{}}");

    assertThat(response.statusCode()).isEqualTo(422);
    JsonObject cause = Http.json(response).getJsonObject("details").getJsonArray("causes")
        .getJsonObject(0);
    assertThat(cause.getString("field")).isEqualTo("metadata.name");
    assertThat(cause.getString("reason")).isEqualTo("FieldValueRequired");
  }

  @Test
  void malformedJsonIsABadRequestStatusNotAServerError() {
    HttpResponse<String> response = Http.postJson(SERVER.api("/api/v1/namespaces"),
        "{\"metadata\": {\"name\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject status = Http.json(response);
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("reason")).isEqualTo("BadRequest");
    assertThat(status.getString("message")).contains("json parse error");
  }

  @Test
  void bodyInAnUnsupportedMediaTypeIsRefusedWith415() {
    HttpResponse<String> response = Http.post(SERVER.api("/api/v1/namespaces"), "text/plain",
        "name: x");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(Http.json(response).getString("reason")).isEqualTo("UnsupportedMediaType");
  }

  @Test
  void unknownNamespaceIsNotFoundAsAStatus() {
    HttpResponse<String> response = Http.get(SERVER.api("/api/v1/namespaces/" + uniqueName()));

    assertThat(response.statusCode()).isEqualTo(404);
    JsonObject status = Http.json(response);
    assertThat(status.getString("reason")).isEqualTo("NotFound");
    assertThat(status.getJsonObject("details").getString("kind")).isEqualTo("namespaces");
  }

  @Test
  void unknownPathIsNotFoundAsAStatus() {
    HttpResponse<String> response = Http.get(SERVER.api("/no/such/path"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Http.json(response).getString("kind")).isEqualTo("Status");
  }

  static String uniqueName() {
    return "it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static long resourceVersionOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Long.parseLong(Http.json(response).getJsonObject("metadata").getString("resourceVersion"));
  }
}
