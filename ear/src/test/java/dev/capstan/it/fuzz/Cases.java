package dev.capstan.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes the case of a seed, in the namespace of the run. Every family of hostile or careless
 * request the issue lists has its share: mutated creates and updates, the four patch types,
 * subresources, bodies broken at the byte level, YAML's own traps, malformed query parameters,
 * and deletes with odd options.
 */
public final class Cases {

  /** Families and their weights (out of 100). */
  private static final String[] FAMILIES = {"create", "put", "json-patch", "merge-patch",
      "strategic-merge-patch", "apply-patch", "subresource", "raw-body", "yaml", "query",
      "delete"};
  private static final int[] WEIGHTS = {24, 9, 12, 8, 8, 3, 5, 9, 6, 11, 5};

  static final String JSON = "application/json";

  private Cases() {}

  /** A well-mixed seed for the i-th case of a run (SplitMix64). */
  public static long caseSeed(long runSeed, long index) {
    long z = runSeed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public static FuzzCase generate(long seed, String namespace) {
    return generate(seed, namespace, null);
  }

  /**
   * The case of a seed about the object of the given name, when it is to reuse a valid base
   * object another case created and left as it was (null: the seed's own name). The name is no
   * draw of the random source, so the request is the same but for the name.
   */
  static FuzzCase generate(long seed, String namespace, String baseName) {
    SplittableRandom random = new SplittableRandom(seed);
    Mutator m = new Mutator(random);
    Corpus.Kind kind = m.pick(Corpus.KINDS);
    String hex = Long.toHexString(seed);
    String name = baseName != null ? baseName : kind.namespaced() ? "f" + hex : "fuzz-" + hex;
    JsonObject manifest = named(kind, name, namespace);
    String family = family(random);
    String collection = kind.collection(namespace);
    String object = kind.object(namespace, name);
    return switch (family) {
      case "create" -> {
        Draft draft = new Draft(manifest);
        m.mutate(draft, 3);
        String type = m.chance(0.1) ? "application/yaml" : JSON;
        String query = m.chance(0.1) ? "?" + queryParams(m, 1) : "";
        FuzzCase c = new FuzzCase(seed, family, kind, name, null,
            stored -> FuzzRequest.json("POST", collection + query, type, draft.render()));
        c.edits.addAll(draft.edits());
        yield c;
      }
      case "put" -> {
        FuzzCase[] self = new FuzzCase[1];
        self[0] = new FuzzCase(seed, family, kind, name, manifest, stored -> {
          Draft draft = new Draft(Corpus.parse(stored.toString()));
          if (m.chance(0.3)) {
            draft.tree(JsonTrees.replace(draft.tree(), List.of("metadata", "resourceVersion"),
                null), "remove metadata.resourceVersion");
          }
          m.mutate(draft, 3);
          self[0].edits.addAll(draft.edits());
          return FuzzRequest.json("PUT", object, JSON, draft.render());
        });
        yield self[0];
      }
      case "json-patch" -> {
        Draft patch = jsonPatch(m, manifest);
        FuzzCase c = new FuzzCase(seed, family, kind, name, manifest,
            stored -> FuzzRequest.json("PATCH", object, "application/json-patch+json",
                patch.render()));
        c.edits.add(patch.render().length() > 300 ? patch.describe(patch.tree())
            : patch.render());
        c.edits.addAll(patch.edits());
        yield c;
      }
      case "merge-patch", "strategic-merge-patch" -> {
        boolean strategic = family.startsWith("strategic");
        Draft patch = mergePatch(m, manifest, strategic);
        FuzzCase c = new FuzzCase(seed, family, kind, name, manifest,
            stored -> FuzzRequest.json("PATCH", object, strategic
                ? "application/strategic-merge-patch+json" : "application/merge-patch+json",
                patch.render()));
        c.edits.add(patch.describe(patch.tree()));
        c.edits.addAll(patch.edits());
        yield c;
      }
      case "apply-patch" -> {
        Draft draft = new Draft(manifest);
        if (m.chance(0.7)) {
          m.mutate(draft, 2);
        }
        String query = m.pick(List.of("?fieldManager=fuzz", "?fieldManager=fuzz&force=true",
            "", "?force=maybe&fieldManager=fuzz", "?fieldManager=" + "m".repeat(200)));
        FuzzCase c = new FuzzCase(seed, family, kind, name, m.chance(0.5) ? manifest : null,
            stored -> FuzzRequest.json("PATCH", object + query, "application/apply-patch+yaml",
                draft.render()));
        c.edits.addAll(draft.edits());
        yield c;
      }
      case "subresource" -> subresource(seed, m, kind, name, manifest, object);
      case "raw-body" -> rawBody(seed, m, kind, name, manifest, collection);
      case "yaml" -> yaml(seed, m, kind, name, collection);
      case "query" -> query(seed, m, kind, name, manifest, collection, object);
      default -> {
        FuzzCase[] self = new FuzzCase[1];
        self[0] = new FuzzCase(seed, family, kind, name, manifest, stored -> {
          JsonObject options = Json.createObjectBuilder().add("kind", "DeleteOptions")
              .add("apiVersion", "v1").add("propagationPolicy", "Background")
              .add("gracePeriodSeconds", 0).add("preconditions", Json.createObjectBuilder()
                  .add("uid", stored.path("metadata").path("uid").asText())
                  .add("resourceVersion", stored.path("metadata").path("resourceVersion")
                      .asText())).build();
          Draft draft = new Draft(options);
          m.mutate(draft, 2);
          self[0].edits.addAll(draft.edits());
          String query = m.chance(0.5) ? "?" + queryParams(m, 2) : "";
          return FuzzRequest.json("DELETE", object + query, JSON,
              m.chance(0.8) ? draft.render() : null);
        });
        yield self[0];
      }
    };
  }

  private static String family(SplittableRandom random) {
    int roll = random.nextInt(100);
    for (int i = 0; i < FAMILIES.length; i++) {
      roll -= WEIGHTS[i];
      if (roll < 0) {
        return FAMILIES[i];
      }
    }
    return FAMILIES[0];
  }

  /**
   * The kind's manifest under the case's name (and, for a RoleBinding, its own Role's). A pod's
   * {@code name} label is its own name too: with the reference's {@code name=node-js}, the
   * ReplicationController another case left in the namespace adopts the new pod and deletes it
   * as one too many, under the case (a full run saw a refused patch find its pod gone).
   */
  static JsonObject named(Corpus.Kind kind, String name, String namespace) {
    JsonObjectBuilder metadata = Json.createObjectBuilder(kind.manifest().getJsonObject("metadata"))
        .add("name", name);
    if (kind.kind().equals("Pod")) {
      metadata.add("labels", Json.createObjectBuilder(
          kind.manifest().getJsonObject("metadata").getJsonObject("labels")).add("name", name));
    }
    if (kind.namespaced()) {
      metadata.add("namespace", namespace);
    }
    return Json.createObjectBuilder(kind.manifest()).add("metadata", metadata).build();
  }

  // ---- patches ----

  static Draft jsonPatch(Mutator m, JsonObject target) {
    Draft draft = new Draft(JsonValue.EMPTY_JSON_ARRAY);
    List<List<Object>> paths = JsonTrees.paths(target, 400);
    if (m.chance(0.08)) {
      draft.tree(m.pick(List.of(Json.createObjectBuilder().add("op", "add").build(),
          Json.createValue("x"), JsonValue.NULL, Json.createArrayBuilder().add(5).build(),
          Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "add")).build(),
          Json.createArrayBuilder().add(Json.createObjectBuilder().add("path", "/metadata")
              .add("value", 1)).build())), "malformed patch document");
      return draft;
    }
    JsonArrayBuilder ops = Json.createArrayBuilder();
    if (m.chance(0.08)) {
      // growth: each copy of an object into itself doubles it
      List<Object> from = objectPath(m, target, paths);
      String pointer = JsonTrees.pointer(from);
      int copies = m.between(4, 12);
      for (int i = 0; i < copies; i++) {
        ops.add(Json.createObjectBuilder().add("op", "copy").add("from", pointer)
            .add("path", pointer + "/c" + i));
      }
      draft.tree(ops.build(), copies + " copies of " + pointer + " into itself");
      return draft;
    }
    int count = m.between(1, 6);
    for (int i = 0; i < count; i++) {
      String op = m.pick(List.of("add", "add", "remove", "replace", "replace", "replace",
          "move", "copy", "test", "bogus", ""));
      JsonObjectBuilder operation = Json.createObjectBuilder();
      if (!op.isEmpty()) {
        operation.add("op", op);
      }
      operation.add("path", patchPointer(m, target, paths));
      if (!op.equals("remove") || m.chance(0.1)) {
        List<Object> existing = paths.get(m.between(0, paths.size() - 1));
        JsonValue value = switch (m.between(0, 3)) {
          case 0 -> m.swapType(JsonTrees.get(target, existing), draft);
          case 1 -> JsonTrees.get(target, existing);
          default -> m.junk(draft, 2);
        };
        operation.add("value", value);
      }
      if (op.equals("move") || op.equals("copy")) {
        operation.add("from", patchPointer(m, target, paths));
      }
      ops.add(operation);
    }
    draft.tree(ops.build(), "json patch");
    return draft;
  }

  private static String patchPointer(Mutator m, JsonObject target, List<List<Object>> paths) {
    int roll = m.between(0, 9);
    if (roll < 6) {
      return JsonTrees.pointer(paths.get(m.between(0, paths.size() - 1)));
    }
    if (roll < 9) {
      List<Object> parent = objectPath(m, target, paths);
      return JsonTrees.pointer(parent) + "/" + m.pick(List.of("new", "x~1y", "-", "0", "99",
          m.oddKey().replace("~", "~0").replace("/", "~1")));
    }
    return m.pick(List.of("", "/", "no-slash", "/a/b/c/d", "/spec/containers/99",
        "/spec/containers/-", "/metadata/labels/a~2b", "/~", "/metadata/name",
        "/metadata/namespace", "/metadata/uid", "/metadata/creationTimestamp", "/kind",
        "/apiVersion", "/metadata/resourceVersion", "/status"));
  }

  private static List<Object> objectPath(Mutator m, JsonValue root, List<List<Object>> paths) {
    for (int tries = 0; tries < 30; tries++) {
      List<Object> path = paths.get(m.between(0, paths.size() - 1));
      if (!path.isEmpty() && JsonTrees.get(root, path) instanceof JsonObject) {
        return path;
      }
    }
    return List.of("metadata");
  }

  static Draft mergePatch(Mutator m, JsonObject target, boolean strategic) {
    Draft draft = new Draft(JsonValue.EMPTY_JSON_OBJECT);
    if (m.chance(0.12)) {
      draft.tree(m.pick(List.of(
          Corpus.parse("{\"metadata\":5}"), Corpus.parse("{\"metadata\":[]}"),
          Corpus.parse("{\"metadata\":\"x\"}"), Corpus.parse("{\"kind\":\"Other\"}"),
          Corpus.parse("{\"apiVersion\":\"v9\"}"), Corpus.parse("{\"metadata\":{\"name\":\"renamed\"}}"),
          Corpus.parse("{\"metadata\":{\"namespace\":\"other\"}}"),
          Corpus.parse("{\"metadata\":{\"uid\":\"x\"}}"), Corpus.parse("{\"spec\":null}"),
          Corpus.parse("{\"metadata\":null}"), Corpus.parse("{\"metadata\":{\"labels\":5}}"),
          Corpus.parse("{\"metadata\":{\"annotations\":{\"a\":{\"b\":1}}}}"))),
          "fixed patch");
      if (m.chance(0.3)) {
        draft.tree(m.pick(List.of(JsonValue.NULL, JsonValue.EMPTY_JSON_ARRAY,
            Json.createValue(5), Json.createValue("x"))), "non-object patch");
      }
      return draft;
    }
    List<List<Object>> paths = JsonTrees.paths(target, 400);
    int count = m.between(1, 4);
    JsonValue patch = JsonValue.EMPTY_JSON_OBJECT;
    for (int i = 0; i < count; i++) {
      List<Object> path = paths.get(m.between(1, paths.size() - 1));
      // a merge patch replaces lists whole: cut the path at the first list
      List<Object> cut = new ArrayList<>();
      for (Object step : path) {
        if (step instanceof Integer) {
          break;
        }
        cut.add(step);
      }
      if (cut.isEmpty()) {
        continue;
      }
      JsonValue current = JsonTrees.get(target, cut);
      JsonValue value = switch (m.between(0, 4)) {
        case 0 -> JsonValue.NULL;
        case 1 -> m.swapType(current, draft);
        case 2 -> m.junk(draft, 2);
        default -> {
          Draft inner = draft.part(current);
          m.mutate(inner, 2);
          yield inner.tree();
        }
      };
      patch = JsonTrees.replace(patch, cut, value);
    }
    if (strategic && m.chance(0.4)) {
      List<List<Object>> patchPaths = JsonTrees.paths(patch, 100);
      List<Object> where = objectPath(m, patch, patchPaths);
      if (!(JsonTrees.get(patch, where) instanceof JsonObject)) {
        where = List.of();
      }
      List<Object> directive = new ArrayList<>(where);
      String key = m.pick(List.of("$patch", "$retainKeys", "$setElementOrder/containers",
          "$deleteFromPrimitiveList/finalizers", "$patch"));
      directive.add(key);
      JsonValue value = key.equals("$patch")
          ? Json.createValue(m.pick(List.of("replace", "delete", "merge", "bogus", "")))
          : m.junk(draft, 1);
      patch = JsonTrees.replace(patch, directive, value);
    }
    if (strategic && target.containsKey("spec") && m.chance(0.2)) {
      JsonArray containers = Json.createArrayBuilder().add(Json.createObjectBuilder()
          .add("name", m.pick(List.of("node-js-pod", "other", ""))).add("$patch",
              m.pick(List.of("delete", "replace", "x")))).add(m.junk(draft, 1)).build();
      patch = JsonTrees.replace(patch, List.of("spec", "containers"), containers);
    }
    draft.tree(patch, strategic ? "strategic merge patch" : "merge patch");
    return draft;
  }

  // ---- subresources ----

  private static FuzzCase subresource(long seed, Mutator m, Corpus.Kind kind, String name,
      JsonObject manifest, String object) {
    boolean scalable = List.of("Deployment", "ReplicaSet", "ReplicationController")
        .contains(kind.kind());
    FuzzCase[] self = new FuzzCase[1];
    self[0] = new FuzzCase(seed, "subresource", kind, name, manifest, stored -> {
      if (scalable && m.chance(0.5)) {
        Draft scale = new Draft(Corpus.parse("{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\","
            + "\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\""
            + stored.path("metadata").path("resourceVersion").asText() + "\"},"
            + "\"spec\":{\"replicas\":2}}"));
        m.mutate(scale, 2);
        self[0].edits.addAll(scale.edits());
        return m.chance(0.5) ? FuzzRequest.json("PUT", object + "/scale", JSON, scale.render())
            : FuzzRequest.json("PATCH", object + "/scale", "application/merge-patch+json",
                scale.render());
      }
      String sub = m.pick(List.of("/status", "/status", "/bogus", "/status/x"));
      if (m.chance(0.5)) {
        Draft status = new Draft(Corpus.parse(stored.toString()));
        status.tree(JsonTrees.replace(status.tree(), List.of("status"),
            Corpus.parse("{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\","
                + "\"status\":\"True\"}],\"replicas\":1,\"observedGeneration\":1}")),
            "status set");
        m.mutate(status, 2);
        self[0].edits.addAll(status.edits());
        return FuzzRequest.json("PUT", object + sub, JSON, status.render());
      }
      Draft patch = mergePatch(m, Corpus.parse("{\"status\":{\"phase\":\"Running\","
          + "\"replicas\":1,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}"), false);
      self[0].edits.add(patch.describe(patch.tree()));
      return FuzzRequest.json("PATCH", object + sub, "application/merge-patch+json",
          patch.render());
    });
    return self[0];
  }

  // ---- bodies broken below JSON ----

  private static FuzzCase rawBody(long seed, Mutator m, Corpus.Kind kind, String name,
      JsonObject manifest, String collection) {
    Draft draft = new Draft(manifest);
    if (m.chance(0.3)) {
      m.mutate(draft, 1);
    }
    byte[] json = draft.render().getBytes(StandardCharsets.UTF_8);
    String type = JSON;
    String what;
    byte[] body;
    switch (m.between(0, 9)) {
      case 0 -> {
        byte[] bad = m.pick(List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, 0x28},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xc0,
                (byte) 0x80}, new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80,
                (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82}));
        int at = insideString(json, m);
        body = splice(json, at, bad);
        what = "invalid UTF-8 at byte " + at;
      }
      case 1 -> {
        int at = m.between(0, json.length - 1);
        body = java.util.Arrays.copyOf(json, at);
        what = "truncated at byte " + at;
      }
      case 2 -> {
        String tail = m.pick(List.of("}", "x", "{}", " \n{\"a\":1}", "\u0000", ",", "]"));
        body = concat(json, tail.getBytes(StandardCharsets.UTF_8));
        what = "trailing " + Mutator.escape(tail);
      }
      case 3 -> {
        body = concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, json);
        what = "byte order mark";
      }
      case 4 -> {
        int at = m.between(0, json.length);
        body = splice(json, at, new byte[] {0});
        what = "NUL byte at " + at;
      }
      case 5 -> {
        String text = m.pick(List.of("", "null", "[]", "5", "\"x\"", "{}", "true",
            "{\"kind\":\"" + kind.kind() + "\"}", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"" + name + "\"}}",
            "{\"apiVersion\":\"" + kind.apiVersion() + "\",\"kind\":\"" + kind.kind()
                + "\",\"metadata\":{\"name\":\"" + name + "\"},\"metadata\":{\"name\":\"dup-"
                + name + "\"}}", "{\"apiVersion\":\"" + kind.apiVersion() + "\",\"kind\":\""
                + kind.kind() + "\"}", " ", "\n\n"));
        body = text.getBytes(StandardCharsets.UTF_8);
        what = "body " + Mutator.escape(text);
      }
      case 6 -> {
        type = m.pick(List.of("text/plain", "application/x-protobuf",
            "application/vnd.kubernetes.protobuf", "application/json;charset=latin1",
            "multipart/form-data", "application/xml", "*/*", "application/json-patch+json",
            "application/cbor", "application/json; charset=utf-16"));
        body = json;
        what = "content type " + type;
      }
      case 7 -> {
        type = null;
        body = json;
        what = "no content type";
      }
      case 8 -> {
        int depth = m.pick(List.of(1000, 10_001, 100_000));
        body = ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
        what = "body is an array nested " + depth + " deep";
      }
      default -> {
        body = new byte[] {'k', 0, 0, 0, (byte) 0x8a, 1, 2, 3, (byte) 0xff, (byte) 0xfe};
        type = "application/vnd.kubernetes.protobuf";
        what = "protobuf envelope with garbage";
      }
    }
    String contentType = type;
    FuzzCase c = new FuzzCase(seed, "raw-body", kind, name, null,
        stored -> new FuzzRequest("POST", collection, contentType, body, false));
    c.edits.addAll(draft.edits());
    c.edits.add(what);
    return c;
  }

  private static int insideString(byte[] json, Mutator m) {
    List<Integer> quotes = new ArrayList<>();
    for (int i = 0; i < json.length; i++) {
      if (json[i] == '"') {
        quotes.add(i);
      }
    }
    return quotes.isEmpty() ? 0 : quotes.get(m.between(0, quotes.size() - 1)) + 1;
  }

  private static byte[] splice(byte[] body, int at, byte[] inserted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(body, 0, at);
    out.write(inserted, 0, inserted.length);
    out.write(body, at, body.length - at);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return splice(a, a.length, b);
  }

  // ---- YAML ----

  private static FuzzCase yaml(long seed, Mutator m, Corpus.Kind kind, String name,
      String collection) {
    String head = "apiVersion: " + kind.apiVersion() + "\nkind: " + kind.kind()
        + "\nmetadata:\n  name: " + name + "\n";
    String body = switch (m.between(0, 11)) {
      case 0 -> {
        int depth = m.pick(List.of(100, 1000, 10_000, 100_000));
        yield head + "x: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
      }
      case 1 -> {
        int depth = m.pick(List.of(50, 500, 1500));
        StringBuilder nested = new StringBuilder(head + "data:\n");
        for (int i = 1; i <= depth; i++) {
          nested.append(" ".repeat(i * 2)).append("a:\n");
        }
        yield nested.append(" ".repeat(depth * 2 + 2)).append("b\n").toString();
      }
      case 2 -> {
        int levels = m.between(3, 6);
        StringBuilder bomb = new StringBuilder(head + "data:\n  l0: &l0 [\"lol\",\"lol\",\"lol\","
            + "\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i <= levels; i++) {
          bomb.append("  l").append(i).append(": &l").append(i).append(" [")
              .append(String.join(",", java.util.Collections.nCopies(10, "*l" + (i - 1))))
              .append("]\n");
        }
        yield bomb.toString();
      }
      case 3 -> head + "---\n" + head.replace(name, name + "-second");
      case 4 -> head + "data:\n  a: " + m.pick(List.of("!!binary AAEC", "!!python/object:os.system x",
          "!!set {a, b}", "!!omap [a: 1]", "!foo bar", "!!int x", "!!timestamp nope",
          "!!float .nan")) + "\n";
      case 5 -> head + "data:\n  " + m.pick(List.of("1: x", "true: y", "null: z", "? [a]\n  : b",
          "? {a: 1}\n  : c", "~: d", "1.5: e")) + "\n";
      case 6 -> head + m.pick(List.of("spec:\n  replicas: 0x10", "spec:\n  replicas: 0o17",
          "spec:\n  replicas: .inf", "spec:\n  replicas: .nan", "spec:\n  replicas: ~",
          "spec:\n  replicas: yes", "spec:\n  replicas: 1_000", "data:\n  when: 2001-12-14t21:59:43.10-05:00",
          "data:\n  flag: on", "data:\n  n: 012", "data:\n  big: 123456789012345678901234567890"))
          + "\n";
      case 7 -> head + m.pick(List.of("\tdata: {}", "data: a: b: c", "data: {", "data: [", "data: '",
          "data:\n  - a\n  b: c", "  bad-indent: 1", "data: *undefined", "data: &a\n  x: *a"))
          + "\n";
      case 8 -> "base: &base\n  apiVersion: " + kind.apiVersion() + "\n  kind: " + kind.kind()
          + "\n<<: *base\nmetadata:\n  name: " + name + "\n";
      case 9 -> head + "data:\n  a: \"\\0 \\x00 \\u0000\\x7f\\e\"\n  b: \"\\ud800\"\n";
      case 10 -> head.replace("name: " + name, "name: " + name + "\n  name: duplicate");
      default -> head + "data:\n  long: " + "y".repeat(m.pick(List.of(1000, 1_100_000)))
          + "\n";
    };
    FuzzCase c = new FuzzCase(seed, "yaml", kind, name, null, stored -> FuzzRequest.json("POST",
        collection, m.pick(List.of("application/yaml", "application/yaml",
            "application/x-yaml", "text/yaml")), body));
    c.edits.add(Mutator.escape(body.length() > 200 ? body.substring(0, 200) : body)
        + " (" + body.length() + " chars)");
    return c;
  }

  // ---- query parameters ----

  static final List<List<String>> PARAMS = List.of(
      List.of("limit", "abc", "-1", "0", "99999999999999999999", "1.5", "", "1"),
      List.of("continue", "garbage", "eyJ2Ijoi", "AAAA", "%", "e30="),
      List.of("labelSelector", "a in (", "!!", "a=b=c", "x".repeat(400) + "=1", "a,b,",
          "a notin", "a=\u0000", "a>b", "a in (b", "=", "a==b==c", "app"),
      List.of("fieldSelector", "metadata.name=", "spec.bogus=1", "a", "==",
          "metadata.name==a==b", "status.phase!=Running,metadata.name=x", "metadata.name=a,"),
      List.of("resourceVersion", "abc", "-1", "99999999999999999999", "0", "1", ""),
      List.of("resourceVersionMatch", "Bogus", "Exact", "NotOlderThan", ""),
      List.of("timeoutSeconds", "abc", "-1", "99999999999", "1.5", "1"),
      List.of("watch", "maybe", "1", "true", "0", "false"),
      List.of("allowWatchBookmarks", "maybe", "true"),
      List.of("sendInitialEvents", "maybe", "true"),
      List.of("propagationPolicy", "Bogus", "Orphan", "Foreground", "background", ""),
      List.of("gracePeriodSeconds", "abc", "-5", "99999999999999999999", "1.5", "0"),
      List.of("dryRun", "Bogus", "All", "", "all"),
      List.of("pretty", "x", "true"),
      List.of("fieldManager", "m".repeat(200), "\u0000", "a\nb", ""),
      List.of("fieldValidation", "Bogus", "Strict", "Warn", "Ignore"),
      List.of("orphanDependents", "maybe", "true"),
      List.of("tailLines", "abc", "-1", "99999999999999999999", "1.5"),
      List.of("sinceSeconds", "abc", "0", "-1", "99999999999999999999"),
      List.of("sinceTime", "yesterday", "2020-01-01T00:00:00Z", ""),
      List.of("limitBytes", "abc", "0", "-1"),
      List.of("container", "nope", "", "\u0000"),
      List.of("follow", "maybe", "false"),
      List.of("timestamps", "maybe", "true"),
      List.of("previous", "maybe", "true"),
      List.of("bogusParam", "x"));

  static String queryParams(Mutator m, int max) {
    List<String> parts = new ArrayList<>();
    int count = m.between(1, max);
    for (int i = 0; i < count; i++) {
      List<String> param = m.pick(PARAMS);
      String value = param.get(m.between(1, param.size() - 1));
      parts.add(param.get(0) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    return String.join("&", parts);
  }

  private static FuzzCase query(long seed, Mutator m, Corpus.Kind kind, String name,
      JsonObject manifest, String collection, String object) {
    String query = queryParams(m, 3);
    int target = m.between(0, 9);
    boolean pod = kind.kind().equals("Pod");
    String method = "GET";
    String path;
    JsonObject base = manifest;
    if (target < 4) {
      path = collection;
      base = m.chance(0.5) ? manifest : null;
    } else if (target < 6) {
      path = object;
    } else if (target < 8 && pod) {
      path = object + "/log";
    } else if (target < 9) {
      method = "DELETE";
      path = object;
    } else {
      method = "DELETE";
      path = collection;
      query = "labelSelector=" + URLEncoder.encode("fuzz-never=" + name, StandardCharsets.UTF_8)
          + "&" + query;
    }
    String full = path + "?" + query;
    boolean streaming = query.matches(".*(^|&)(watch=(1|true|maybe)|follow=).*");
    String verb = method;
    FuzzCase c = new FuzzCase(seed, "query", kind, name, base,
        stored -> new FuzzRequest(verb, full, null, null, streaming));
    c.edits.add(verb + " " + full.substring(full.lastIndexOf('/') + 1));
    return c;
  }
}
