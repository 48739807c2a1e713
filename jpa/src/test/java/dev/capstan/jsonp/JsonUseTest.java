package dev.capstan.jsonp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The build's guard for {@link Json}: main code of every module reaches JSON-P's factories only
 * through it, never through {@code jakarta.json.Json} or {@code JsonProvider.provider()}, whose
 * every call is a ServiceLoader lookup (a quarter to a third of the control plane's CPU before
 * {@link Json} existed). A new import of the slow class compiles fine and behaves the same, so
 * only a check like this one notices it: it fails the build and names the file and line.
 */
class JsonUseTest {

  /** {@code jakarta.json.Json} as a whole word: an import, a static import or a qualified use. */
  private static final Pattern SLOW_JSON = Pattern.compile("\\bjakarta\\.json\\.Json(?![\\w$])");
  private static final Pattern PROVIDER_LOOKUP = Pattern.compile("\\bJsonProvider\\s*\\.\\s*provider\\s*\\(");
  private static final Set<String> SKIPPED = Set.of("target", "node_modules", ".git", ".capstan");
  private static final Path CACHED_JSON = Path.of("dev", "capstan", "jsonp", "Json.java");

  @Test
  void mainCodeUsesTheCachedProviderOnly() {
    List<Path> sources = mainSources(Path.of("..").toAbsolutePath().normalize());
    assertThat(sources).as("main sources found from the repository root")
        .anyMatch(path -> path.endsWith(CACHED_JSON));

    List<String> offenders = new ArrayList<>();
    for (Path source : sources) {
      if (!source.endsWith(CACHED_JSON)) {
        offenders.addAll(offences(source));
      }
    }
    assertThat(offenders).as("use dev.capstan.jsonp.Json (same methods, one provider lookup)"
        + " instead of jakarta.json.Json or JsonProvider.provider()").isEmpty();
  }

  @Test
  void theCheckSeesImportsStaticImportsAndQualifiedUsesButNotOtherTypesOrComments() {
    assertThat(offending("import jakarta.json.Json;")).isTrue();
    assertThat(offending("import static jakarta.json.Json.createObjectBuilder;")).isTrue();
    assertThat(offending("  var b = jakarta.json.Json.createArrayBuilder();")).isTrue();
    assertThat(offending("  JsonProvider p = JsonProvider.provider();")).isTrue();
    assertThat(offending("import jakarta.json.JsonObject;")).isFalse();
    assertThat(offending("import jakarta.json.JsonValue;")).isFalse();
    assertThat(offending(" * {@link jakarta.json.Json} is slow")).isFalse();
    assertThat(offending("// jakarta.json.Json is slow")).isFalse();
  }

  private static List<String> offences(Path source) {
    List<String> found = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(source);
      for (int i = 0; i < lines.size(); i++) {
        if (offending(lines.get(i))) {
          found.add(source + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  private static boolean offending(String line) {
    String code = line.trim();
    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
      return false;
    }
    return SLOW_JSON.matcher(code).find() || PROVIDER_LOOKUP.matcher(code).find();
  }

  /** Every {@code .java} file under a {@code src/main/java} of any module below the root. */
  private static List<Path> mainSources(Path root) {
    List<Path> sources = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          return SKIPPED.contains(String.valueOf(dir.getFileName()))
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (file.toString().endsWith(".java")
              && file.toString().contains("/src/main/java/".replace('/', file.getFileSystem()
                  .getSeparator().charAt(0)))) {
            sources.add(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }
}
