package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.ConstructorException;
import org.snakeyaml.engine.v2.exceptions.DuplicateKeyException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * Reads a YAML request body (one document) into the JSON value the API works on, as
 * kube-apiserver accepts {@code application/yaml}. Keys must be strings; timestamps and other
 * YAML-only types stay strings.
 *
 * <p>The JSON is built straight from SnakeYAML's parser events, which come flat, with an explicit
 * stack of the collections still open: no part of reading a body recurses, so no body can
 * overflow a request thread's stack. (SnakeYAML's composer and constructor build nested nodes
 * recursively: about a thousand nested flow mappings, within the depth limit, overflowed them.)
 * Each event is first checked against {@link YamlBounds} (depth, self-containing anchors,
 * go-yaml's bound on alias expansion), so nothing is built past a bound. An alias is its anchor's
 * JSON value again, which is immutable and so shared rather than copied. Scalars are typed by
 * SnakeYAML's own resolver and constructors (its JSON schema), as its loader types them.
 *
 * <p>The JSON values are made by one {@link JsonProvider} looked up once: {@code Json.create...}
 * looks the provider up again at every call, which made a body of 10,000 values take seconds.
 */
final class YamlBodies {

  /**
   * Found once: every {@code Json.create...} call looks the provider up through the
   * ServiceLoader, which in WildFly's module class loaders costs about a millisecond, and a body
   * is built one call per node (a 50 KB list of 10,000 numbers took 8 s).
   */
  private static final JsonProvider JSON = dev.capstan.jsonp.Json.provider();

  private static final LoadSettings SETTINGS = LoadSettings.builder()
      .setAllowDuplicateKeys(false)
      .setMaxAliasesForCollections(Integer.MAX_VALUE)
      .setCodePointLimit(3 * 1024 * 1024)
      .build();

  private static final ScalarResolver RESOLVER = SETTINGS.getSchema().getScalarResolver();

  /** One collection being read: a mapping (its builder, and the key awaiting a value) or a list. */
  private static final class Open {
    private final Optional<Anchor> anchor;
    private final String path;
    private final JsonObjectBuilder object;
    private final JsonArrayBuilder array;
    private final Set<String> keys = new HashSet<>();
    private String key;
    private int index;

    Open(Optional<Anchor> anchor, String path, boolean mapping) {
      this.anchor = anchor;
      this.path = path;
      this.object = mapping ? JSON.createObjectBuilder() : null;
      this.array = mapping ? null : JSON.createArrayBuilder();
    }

    /** The path of the value read next in this collection, for messages. */
    String childPath() {
      if (array != null) {
        return path + "[" + index + "]";
      }
      String at = key == null ? "" : key;
      return path.isEmpty() ? at : path + "." + at;
    }
  }

  private final YamlBounds bounds = new YamlBounds();
  private final Deque<Open> open = new ArrayDeque<>();
  private final Map<String, JsonValue> anchors = new HashMap<>();
  private final Scalars scalars = new Scalars();
  private int documents;
  private JsonValue document;

  private YamlBodies() {}

  static JsonValue decode(String body) {
    try {
      return new YamlBodies().read(new Parse(SETTINGS).parseString(body));
    } catch (LoneSurrogate e) {
      throw Statuses.badRequest("yaml: line " + surrogateEscapeLine(body)
          + ": found invalid Unicode character escape code");
    } catch (MarkedYamlEngineException e) {
      throw Statuses.badRequest("yaml: line " + (e.getProblemMark().map(m -> m.getLine() + 1).orElse(0))
          + ": " + e.getProblem());
    } catch (YamlEngineException e) {
      throw Statuses.badRequest("yaml: " + e.getMessage());
    }
  }

  private JsonValue read(Iterable<Event> events) {
    for (Event event : events) {
      bounds.accept(event);
      switch (event.getEventId()) {
        case DocumentStart -> {
          if (++documents > 1) {
            throw Statuses.badRequest("the request body holds more than one YAML document");
          }
        }
        case MappingStart, SequenceStart -> {
          CollectionStartEvent start = (CollectionStartEvent) event;
          boolean mapping = event.getEventId() == Event.ID.MappingStart;
          requireCollectionTag(start, mapping ? Tag.MAP : Tag.SEQ);
          Open parent = open.peek();
          open.push(new Open(start.getAnchor(), parent == null ? "" : parent.childPath(),
              mapping));
        }
        case MappingEnd, SequenceEnd -> {
          Open closed = open.pop();
          complete(closed.object != null ? closed.object.build() : closed.array.build(),
              closed.anchor, event.getStartMark());
        }
        case Scalar -> {
          ScalarEvent scalar = (ScalarEvent) event;
          complete(scalar(scalar), scalar.getAnchor(), event.getStartMark());
        }
        case Alias -> {
          String name = ((AliasEvent) event).getAlias().getValue();
          JsonValue value = anchors.get(name);
          if (value == null) {
            throw new ComposerException("found undefined alias " + name, event.getStartMark());
          }
          complete(value, Optional.empty(), event.getStartMark());
        }
        default -> { }
      }
    }
    if (documents == 0) {
      throw Statuses.badRequest("the request body is empty");
    }
    return document;
  }

  /** A value read whole: kept under its anchor, then put where its collection expects it. */
  private void complete(JsonValue value, Optional<Anchor> anchor, Optional<Mark> mark) {
    anchor.ifPresent(a -> anchors.put(a.getValue(), value));
    Open parent = open.peek();
    if (parent == null) {
      document = value;
    } else if (parent.array != null) {
      parent.array.add(value);
      parent.index++;
    } else if (parent.key == null) {
      if (!(value instanceof JsonString text)) {
        throw Statuses.badRequest("yaml: " + (parent.path.isEmpty() ? "a" : parent.path + ": a")
            + " key is not a string: " + value);
      }
      if (!parent.keys.add(text.getString())) {
        throw new DuplicateKeyException(Optional.empty(), text.getString(), mark);
      }
      parent.key = text.getString();
    } else {
      parent.object.add(parent.key, value);
      parent.key = null;
    }
  }

  /**
   * A collection may carry no tag, {@code !} or its own standard one; any other ({@code !!set},
   * {@code !!omap}, {@code !foo}) names a type the API has no use for.
   */
  private static void requireCollectionTag(CollectionStartEvent start, Tag standard) {
    Optional<String> tag = start.getTag();
    if (tag.isPresent() && !tag.get().equals("!") && !tag.get().equals(standard.getValue())) {
      throw new ConstructorException(null, Optional.empty(),
          "could not determine a constructor for the tag " + tag.get(), start.getStartMark());
    }
  }

  /** A scalar typed as SnakeYAML's composer and constructor type it, then as JSON. */
  private JsonValue scalar(ScalarEvent event) {
    Optional<String> tag = event.getTag();
    boolean resolved = tag.isEmpty() || tag.get().equals("!");
    Tag nodeTag = resolved
        ? RESOLVER.resolve(event.getValue(), event.getImplicit().canOmitTagInPlainScalar())
        : new Tag(tag.get());
    if (nodeTag.equals(Tag.MAP) || nodeTag.equals(Tag.SEQ) || nodeTag.equals(Tag.SET)) {
      throw new ConstructorException(null, Optional.empty(),
          "could not determine a constructor for the tag " + nodeTag + " on a scalar",
          event.getStartMark());
    }
    return toJson(scalars.construct(new ScalarNode(nodeTag, resolved, event.getValue(),
        event.getScalarStyle(), event.getStartMark(), event.getEndMark())));
  }

  private static JsonValue toJson(Object value) {
    if (value == null) {
      return JsonValue.NULL;
    }
    if (value instanceof Boolean bool) {
      return bool ? JsonValue.TRUE : JsonValue.FALSE;
    }
    if (value instanceof Integer || value instanceof Long) {
      return JSON.createValue(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return JSON.createValue(big);
    }
    if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      if (Double.isNaN(number) || Double.isInfinite(number)) {
        // YAML has .nan and .inf, JSON has neither: sigs.k8s.io/yaml's json.Marshal refuses them
        throw Statuses.badRequest("json: unsupported value: "
            + (Double.isNaN(number) ? "NaN" : number > 0 ? "+Inf" : "-Inf"));
      }
      return JSON.createValue(BigDecimal.valueOf(number));
    }
    if (value instanceof byte[] bytes) {
      // !!binary: go-yaml decodes the base64 into a string of those bytes, and json.Marshal
      // writes invalid UTF-8 as U+FFFD, as decoding them as UTF-8 here does
      return JSON.createValue(new String(bytes, StandardCharsets.UTF_8));
    }
    return JSON.createValue(validText(value.toString()));
  }

  /** SnakeYAML's constructors of its schema's scalar types, one scalar at a time. */
  private static final class Scalars extends StandardConstructor {
    Scalars() {
      super(SETTINGS);
    }

    /** The scalar's value; a constructor's own failure ({@code !!int x}) is the body's error. */
    Object construct(ScalarNode node) {
      try {
        return constructObjectNoCheck(node);
      } catch (YamlEngineException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new YamlEngineException(e);
      }
    }
  }

  /**
   * A scalar as it may be kept: SnakeYAML turns an escape such as <code>&#92;ud800</code> into
   * half a UTF-16 pair, which Go's YAML scanner refuses ({@code found invalid Unicode character
   * escape code}) and UTF-8 cannot hold.
   */
  private static String validText(String text) {
    if (FlatJson.withoutLoneSurrogates(text) != text) {
      throw new LoneSurrogate();
    }
    return text;
  }

  /** The line (from 1) of the body's first escape of a UTF-16 surrogate, as Go's scanner names it. */
  private static int surrogateEscapeLine(String body) {
    java.util.regex.Matcher escape = java.util.regex.Pattern
        .compile("\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}").matcher(body);
    int end = escape.find() ? escape.start() : 0;
    int line = 1;
    for (int i = 0; i < end; i++) {
      if (body.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** A scalar held half a UTF-16 pair. */
  private static final class LoneSurrogate extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoneSurrogate() {
      super(null, null, false, false);
    }
  }
}
