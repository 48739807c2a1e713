package dev.capstan.jsonp;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonMergePatch;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonPatch;
import jakarta.json.JsonPatchBuilder;
import jakarta.json.JsonPointer;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * {@link jakarta.json.Json}'s factory methods, with the same names and signatures, made by one
 * {@link JsonProvider} looked up once. Capstan's code imports this class instead of
 * {@code jakarta.json.Json}; nothing else at a call site changes.
 *
 * <p>Why: every static method of {@code jakarta.json.Json} (jakarta.json-api 2.1) first calls
 * {@link JsonProvider#provider()}, which runs a {@link java.util.ServiceLoader} lookup through
 * the thread's context class loader and instantiates a new provider, on every call. In a plain
 * JVM that is about 30 µs a call (this 2-core machine at load 10) next to 0.06–0.15 µs for the
 * builder itself ({@code bench/json-provider.sh}); inside WildFly, where the context class loader
 * is the deployment's module class loader, profiles of ordinary ConfigMap requests (create, get,
 * merge-patch, list; {@code bench/ConfigMapRequests.java}) found 25–36 % of the control plane's
 * CPU samples inside that lookup (31–47 % of the request threads'), spread over audit events,
 * stored-object parsing, metadata stamping and patching. One provider may serve every thread:
 * Parsson's {@code JsonProviderImpl} (1.1.7, the one WildFly ships) holds only an immutable empty
 * configuration and a buffer pool that is itself concurrent (a {@code ConcurrentLinkedQueue}),
 * and the classes that kept a provider of their own before this one already shared it between
 * request threads.
 *
 * <p>Why a static field is correct in WildFly: this class lives in the EAR's {@code lib/} (it
 * is in the {@code capstan-jpa} jar, the lowest module every JSON-P user in the control plane
 * depends on: the EJB and web modules do; {@code capstan-contract} does not use JSON-P and is
 * also the node agent's, which has no JSON-P at all), so it is loaded by the deployment's class
 * loader and initialized on a thread running the deployment, as every {@code jakarta.json.Json}
 * call was. The lookup finds what those calls found: Parsson's {@code JsonProviderImpl} from
 * WildFly's {@code org.eclipse.parsson} module (the EAR bundles no JSON-P implementation), the
 * same class each time, so behaviour is identical. That module is a static server module that
 * outlives deployments and holds no reference to a deployment's classes; a redeploy makes new
 * class loaders, which load and initialize this class afresh, and the old class and its field
 * are collected with the old deployment, so no provider outlives its deployment, and no
 * deployment is pinned by the provider. (Should a thread whose context class loader sees no
 * provider ever initialize this class, {@code JsonProvider.provider()} falls back to loading
 * {@code org.eclipse.parsson.JsonProviderImpl} through the API's module, which exports Parsson:
 * the same class again.)
 *
 * <p>{@link #provider()} gives the provider itself, for code that keeps a factory. The package is
 * {@code dev.capstan.jsonp}, not {@code dev.capstan.json}: that one is the EJB module's
 * ({@code JsonFields}), and a package split over two jars is one where package-private access
 * silently stops working.
 */
public final class Json {

  private static final JsonProvider PROVIDER = JsonProvider.provider();

  private Json() {
  }

  /** The one provider every method here uses. */
  public static JsonProvider provider() {
    return PROVIDER;
  }

  public static JsonParser createParser(Reader reader) {
    return PROVIDER.createParser(reader);
  }

  public static JsonParser createParser(InputStream in) {
    return PROVIDER.createParser(in);
  }

  public static JsonGenerator createGenerator(Writer writer) {
    return PROVIDER.createGenerator(writer);
  }

  public static JsonGenerator createGenerator(OutputStream out) {
    return PROVIDER.createGenerator(out);
  }

  public static JsonParserFactory createParserFactory(Map<String, ?> config) {
    return PROVIDER.createParserFactory(config);
  }

  public static JsonGeneratorFactory createGeneratorFactory(Map<String, ?> config) {
    return PROVIDER.createGeneratorFactory(config);
  }

  public static JsonWriter createWriter(Writer writer) {
    return PROVIDER.createWriter(writer);
  }

  public static JsonWriter createWriter(OutputStream out) {
    return PROVIDER.createWriter(out);
  }

  public static JsonReader createReader(Reader reader) {
    return PROVIDER.createReader(reader);
  }

  public static JsonReader createReader(InputStream in) {
    return PROVIDER.createReader(in);
  }

  public static JsonReaderFactory createReaderFactory(Map<String, ?> config) {
    return PROVIDER.createReaderFactory(config);
  }

  public static JsonWriterFactory createWriterFactory(Map<String, ?> config) {
    return PROVIDER.createWriterFactory(config);
  }

  public static JsonArrayBuilder createArrayBuilder() {
    return PROVIDER.createArrayBuilder();
  }

  public static JsonArrayBuilder createArrayBuilder(JsonArray array) {
    return PROVIDER.createArrayBuilder(array);
  }

  public static JsonArrayBuilder createArrayBuilder(Collection<?> collection) {
    return PROVIDER.createArrayBuilder(collection);
  }

  public static JsonObjectBuilder createObjectBuilder() {
    return PROVIDER.createObjectBuilder();
  }

  public static JsonObjectBuilder createObjectBuilder(JsonObject object) {
    return PROVIDER.createObjectBuilder(object);
  }

  public static JsonObjectBuilder createObjectBuilder(Map<String, ?> map) {
    return PROVIDER.createObjectBuilder(map);
  }

  public static JsonPointer createPointer(String jsonPointer) {
    return PROVIDER.createPointer(jsonPointer);
  }

  public static JsonPatchBuilder createPatchBuilder() {
    return PROVIDER.createPatchBuilder();
  }

  public static JsonPatchBuilder createPatchBuilder(JsonArray array) {
    return PROVIDER.createPatchBuilder(array);
  }

  public static JsonPatch createPatch(JsonArray array) {
    return PROVIDER.createPatch(array);
  }

  public static JsonPatch createDiff(JsonStructure source, JsonStructure target) {
    return PROVIDER.createDiff(source, target);
  }

  public static JsonMergePatch createMergePatch(JsonValue patch) {
    return PROVIDER.createMergePatch(patch);
  }

  public static JsonMergePatch createMergeDiff(JsonValue source, JsonValue target) {
    return PROVIDER.createMergeDiff(source, target);
  }

  public static JsonBuilderFactory createBuilderFactory(Map<String, ?> config) {
    return PROVIDER.createBuilderFactory(config);
  }

  public static JsonString createValue(String value) {
    return PROVIDER.createValue(value);
  }

  public static JsonNumber createValue(int value) {
    return PROVIDER.createValue(value);
  }

  public static JsonNumber createValue(long value) {
    return PROVIDER.createValue(value);
  }

  public static JsonNumber createValue(double value) {
    return PROVIDER.createValue(value);
  }

  public static JsonNumber createValue(BigDecimal value) {
    return PROVIDER.createValue(value);
  }

  public static JsonNumber createValue(BigInteger value) {
    return PROVIDER.createValue(value);
  }

  public static JsonNumber createValue(Number value) {
    return PROVIDER.createValue(value);
  }

  /** As {@link jakarta.json.Json#encodePointer}, which needs no provider. */
  public static String encodePointer(String name) {
    return jakarta.json.Json.encodePointer(name);
  }

  /** As {@link jakarta.json.Json#decodePointer}, which needs no provider. */
  public static String decodePointer(String escaped) {
    return jakarta.json.Json.decodePointer(escaped);
  }
}
