package dev.capstan.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One generated case, fully determined by its seed: the kind it is about, the valid object it
 * may need first ({@code base}, created before the request), and the request, built from what
 * the server stored of the base (a PUT needs its resourceVersion).
 */
public final class FuzzCase {

  final long seed;
  final String family;
  final Corpus.Kind kind;
  final String name;
  final JsonObject base;
  private final Function<JsonNode, FuzzRequest> request;
  final List<String> edits = new ArrayList<>();

  FuzzCase(long seed, String family, Corpus.Kind kind, String name, JsonObject base,
      Function<JsonNode, FuzzRequest> request) {
    this.seed = seed;
    this.family = family;
    this.kind = kind;
    this.name = name;
    this.base = base;
    this.request = request;
  }

  FuzzRequest request(JsonNode stored) {
    return request.apply(stored);
  }

  /** The seed as the regression file and {@code -Dfuzz.seed} write it. */
  public String seedText() {
    return Long.toHexString(seed);
  }

  @Override
  public String toString() {
    return family + " " + kind.kind() + " " + name + (edits.isEmpty() ? "" : ": "
        + String.join("; ", edits));
  }
}
