package dev.capstan.store.encryption;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * kube-apiserver's {@code --encryption-provider-config} file: which resources are encrypted at
 * rest, by which providers, in which order.
 *
 * <pre>
 * apiVersion: apiserver.config.k8s.io/v1
 * kind: EncryptionConfiguration
 * resources:
 *   - resources: [secrets]            # or configmaps, deployments.apps, *.apps, *.*
 *     providers:                      # the first writes, all read
 *       - aesgcm:
 *           keys:                     # the first key writes, all read
 *             - name: key2
 *               secret: &lt;base64 of 16, 24 or 32 random bytes&gt;
 *             - name: key1
 *               secret: ...
 *       - aescbc: {keys: [...]}
 *       - identity: {}                # reads what was stored before encryption was on
 * </pre>
 *
 * <p>Parsing either yields a complete configuration or throws {@link
 * InvalidEncryptionConfiguration} naming the first field at fault: a server never runs with
 * some of it understood. {@code kms} and {@code secretbox} are refused as unsupported.
 */
public final class EncryptionConfiguration {

  public static final String API_VERSION = "apiserver.config.k8s.io/v1";
  public static final String KIND = "EncryptionConfiguration";
  private static final Set<Integer> KEY_SIZES = Set.of(16, 24, 32);

  /** Resources (as the file names them) and the providers they are stored with. */
  private record Rule(Set<String> resources, PrefixTransformers transformers) {}

  private final List<Rule> rules;

  private EncryptionConfiguration(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** A configuration that encrypts nothing. */
  public static EncryptionConfiguration none() {
    return new EncryptionConfiguration(List.of());
  }

  /**
   * The providers objects of a resource are stored with: those of the first rule naming it
   * ({@code plural} for the core group, {@code plural.group} otherwise), or a wildcard for its
   * group ({@code *.} is the core group, {@code *.apps}) or for all ({@code *.*}); identity when
   * none does.
   */
  public PrefixTransformers transformers(String group, String plural) {
    String exact = group.isEmpty() ? plural : plural + "." + group;
    String groupWildcard = "*." + group;
    for (Rule rule : rules) {
      if (rule.resources().contains(exact) || rule.resources().contains(groupWildcard)
          || rule.resources().contains("*.*")) {
        return rule.transformers();
      }
    }
    return PrefixTransformers.IDENTITY;
  }

  /** Parses the file's text. */
  public static EncryptionConfiguration parse(String yaml) {
    Object document;
    try {
      document = new Load(LoadSettings.builder().build()).loadFromString(yaml);
    } catch (YamlEngineException e) {
      throw new InvalidEncryptionConfiguration("not YAML: " + e.getMessage().replace('\n', ' '));
    }
    Map<?, ?> root = map(document, "the document");
    if (!API_VERSION.equals(root.get("apiVersion")) || !KIND.equals(root.get("kind"))) {
      throw new InvalidEncryptionConfiguration("apiVersion and kind must be " + API_VERSION
          + " and " + KIND + ", not " + root.get("apiVersion") + " and " + root.get("kind"));
    }
    List<?> resources = list(root.get("resources"), "resources");
    if (resources.isEmpty()) {
      throw new InvalidEncryptionConfiguration("resources: Required value: at least one"
          + " resource rule must be given");
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < resources.size(); i++) {
      String path = "resources[" + i + "]";
      Map<?, ?> entry = map(resources.get(i), path);
      Set<String> names = new LinkedHashSet<>();
      List<?> named = list(entry.get("resources"), path + ".resources");
      if (named.isEmpty()) {
        throw new InvalidEncryptionConfiguration(path + ".resources: Required value: at least"
            + " one resource must be named");
      }
      for (int j = 0; j < named.size(); j++) {
        String name = string(named.get(j), path + ".resources[" + j + "]").toLowerCase();
        if (!seen.add(name)) {
          throw new InvalidEncryptionConfiguration(path + ".resources[" + j + "]: Duplicate value:"
              + " \"" + name + "\" is already named by an earlier rule");
        }
        names.add(name);
      }
      rules.add(new Rule(names, providers(entry.get("providers"), path + ".providers")));
    }
    return new EncryptionConfiguration(rules);
  }

  private static PrefixTransformers providers(Object value, String path) {
    List<?> entries = list(value, path);
    if (entries.isEmpty()) {
      throw new InvalidEncryptionConfiguration(path + ": Required value: at least one provider"
          + " must be given");
    }
    List<PrefixTransformers.Provider> providers = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String entryPath = path + "[" + i + "]";
      Map<?, ?> entry = map(entries.get(i), entryPath);
      if (entry.size() != 1) {
        throw new InvalidEncryptionConfiguration(entryPath + ": Invalid value: exactly one"
            + " provider must be given per list element, found " + entry.keySet());
      }
      String type = String.valueOf(entry.keySet().iterator().next());
      Object config = entry.get(type);
      switch (type) {
        case "identity" -> providers.add(PrefixTransformers.Provider.IDENTITY);
        case "aesgcm", "aescbc" -> providers.addAll(keys(type, config, entryPath + "." + type));
        case "secretbox", "kms" -> throw new InvalidEncryptionConfiguration(entryPath + "." + type
            + ": Unsupported value: Capstan supports the aesgcm, aescbc and identity providers");
        default -> throw new InvalidEncryptionConfiguration(entryPath + ": Unsupported value: \""
            + type + "\": supported providers are aesgcm, aescbc and identity");
      }
    }
    return new PrefixTransformers(providers);
  }

  private static List<PrefixTransformers.Provider> keys(String type, Object config, String path) {
    List<?> keys = list(map(config, path).get("keys"), path + ".keys");
    if (keys.isEmpty()) {
      throw new InvalidEncryptionConfiguration(path + ".keys: Required value: at least one key"
          + " must be given");
    }
    List<PrefixTransformers.Provider> providers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      String keyPath = path + ".keys[" + i + "]";
      Map<?, ?> key = map(keys.get(i), keyPath);
      String name = string(key.get("name"), keyPath + ".name");
      if (name.isEmpty() || name.contains(":") || name.length() > 200) {
        throw new InvalidEncryptionConfiguration(keyPath + ".name: Invalid value: \"" + name
            + "\": a key name must be non-empty, without ':' and at most 200 characters");
      }
      if (!names.add(name)) {
        throw new InvalidEncryptionConfiguration(keyPath + ".name: Duplicate value: \"" + name
            + "\"");
      }
      byte[] secret;
      try {
        secret = Base64.getDecoder().decode(string(key.get("secret"), keyPath + ".secret").strip());
      } catch (IllegalArgumentException e) {
        throw new InvalidEncryptionConfiguration(keyPath + ".secret: Invalid value: \"REDACTED\":"
            + " secrets must be base64 encoded");
      }
      if (!KEY_SIZES.contains(secret.length)) {
        throw new InvalidEncryptionConfiguration(keyPath + ".secret: Invalid value: \"REDACTED\":"
            + " secret is not of the expected length, got " + secret.length
            + ", expected one of [16 24 32]");
      }
      SecretKeySpec aesKey = new SecretKeySpec(secret, "AES");
      Transformer transformer = type.equals("aesgcm")
          ? new AesGcmTransformer(aesKey) : new AesCbcTransformer(aesKey);
      providers.add(new PrefixTransformers.Provider(
          PrefixTransformers.ENCRYPTED_PREFIX + type + ":v1:" + name + ":", transformer,
          type + " key \"" + name + "\""));
    }
    return providers;
  }

  private static Map<?, ?> map(Object value, String path) {
    if (value instanceof Map<?, ?> map) {
      return map;
    }
    throw new InvalidEncryptionConfiguration(path + ": Invalid value: expected a mapping, found "
        + describe(value));
  }

  private static List<?> list(Object value, String path) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (value == null) {
      throw new InvalidEncryptionConfiguration(path + ": Required value");
    }
    throw new InvalidEncryptionConfiguration(path + ": Invalid value: expected a list, found "
        + describe(value));
  }

  private static String string(Object value, String path) {
    if (value instanceof String string) {
      return string;
    }
    if (value == null) {
      throw new InvalidEncryptionConfiguration(path + ": Required value");
    }
    throw new InvalidEncryptionConfiguration(path + ": Invalid value: expected a string, found "
        + describe(value));
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : value instanceof Map ? "a mapping"
        : value instanceof List ? "a list" : "\"" + value + "\"";
  }
}
