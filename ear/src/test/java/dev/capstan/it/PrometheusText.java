package dev.capstan.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Prometheus' text exposition format (0.0.4) read as Prometheus' own parser ({@code expfmt}'s
 * text parser) reads it, and as strictly: a line that is not a {@code # HELP}, a {@code # TYPE},
 * a comment or a well-formed sample fails the read with its line number, and so do what
 * Prometheus refuses beyond single lines: a second {@code TYPE} for a family or one after its
 * samples, a family whose samples are not together, a series given twice, an unknown type, an
 * escape other than {@code \\}, {@code \"} and {@code \n}. Histograms are checked whole: each
 * series' buckets are cumulative, end in {@code le="+Inf"}, which equals its {@code _count},
 * and it has a {@code _sum}. So an exposition a scraper would drop fails the test that reads it.
 *
 * <p>Why a parser of our own, in the tests: no Java parser of the format is published by
 * Prometheus (client_java's {@code prometheus-metrics-exposition-textformats} and simpleclient's
 * {@code TextFormat} only write it; Micrometer only writes through them), the Java ones on Maven
 * Central are unmaintained third-party projects (Hawkular's {@code prometheus-scraper}, whose
 * project ended in 2018), and Prometheus' own (Go, in {@code promtool}) would need Debian's
 * Prometheus server package in every test installation.
 */
final class PrometheusText {

  record Sample(String name, Map<String, String> labels, double value, Long timestampMillis) {}

  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary",
      "untyped");

  private final List<Sample> samples;
  private final Map<String, String> types;

  private PrometheusText(List<Sample> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  /**
   * Reads an exposition.
   *
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> familiesDone = new HashSet<>();
    Set<String> series = new HashSet<>();
    String family = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int number = i + 1;
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] fields = line.substring(1).strip().split("[ \t]+", 3);
        if (fields[0].equals("HELP") || fields[0].equals("TYPE")) {
          if (fields.length < 2 || !metricName(fields[1])) {
            throw invalid(number, line, "a " + fields[0] + " line without a metric name");
          }
          String name = fields[1];
          if (!name.equals(family) && familiesDone.contains(name)) {
            throw invalid(number, line, fields[0] + " for " + name + " after its samples");
          }
          if (fields[0].equals("HELP") && !helped.add(name)) {
            throw invalid(number, line, "second HELP for " + name);
          }
          if (fields[0].equals("TYPE")) {
            if (fields.length < 3 || !TYPES.contains(fields[2].strip())) {
              throw invalid(number, line, "unknown metric type");
            }
            if (types.putIfAbsent(name, fields[2].strip()) != null) {
              throw invalid(number, line, "second TYPE for " + name);
            }
            if (samples.stream().anyMatch(s -> familyOf(s.name(), types).equals(name))) {
              throw invalid(number, line, "TYPE for " + name + " after its samples");
            }
          }
          if (family != null && !family.equals(name)) {
            familiesDone.add(family);
          }
          family = name;
        }
        continue; // any other comment
      }
      Sample sample = sample(line, number);
      String of = familyOf(sample.name(), types);
      if (!of.equals(family)) {
        if (familiesDone.contains(of)) {
          throw invalid(number, line, "samples of " + of + " are not together");
        }
        if (family != null) {
          familiesDone.add(family);
        }
        family = of;
      }
      if (!series.add(sample.name() + new TreeMap<>(sample.labels()))) {
        throw invalid(number, line, "a series given twice");
      }
      samples.add(sample);
    }
    PrometheusText parsed = new PrometheusText(samples, types);
    parsed.checkHistograms();
    return parsed;
  }

  List<Sample> samples(String name) {
    return samples.stream().filter(sample -> sample.name().equals(name)).toList();
  }

  /** The sum of a metric's samples whose labels include all of {@code labels}. */
  double sum(String name, Map<String, String> labels) {
    return samples(name).stream().filter(has(labels)).mapToDouble(Sample::value).sum();
  }

  boolean has(String name, Map<String, String> labels) {
    return samples(name).stream().anyMatch(has(labels));
  }

  /** The family's type as its {@code # TYPE} line gives it; {@code untyped} without one. */
  String type(String family) {
    return types.getOrDefault(family, "untyped");
  }

  private static Predicate<Sample> has(Map<String, String> labels) {
    return sample -> sample.labels().entrySet().containsAll(labels.entrySet());
  }

  /** The family a sample belongs to: its own name, or its name less a histogram's or
   * summary's suffix, or a counter's {@code _total}, when that family is typed so. */
  private static String familyOf(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if (type != null && (type.equals("histogram") || type.equals("summary")
            || (type.equals("counter") && !suffix.equals("_bucket")))) {
          return base;
        }
      }
    }
    return name;
  }

  private void checkHistograms() {
    types.forEach((family, type) -> {
      if (!type.equals("histogram")) {
        return;
      }
      Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
      for (Sample bucket : samples(family + "_bucket")) {
        Map<String, String> labels = new HashMap<>(bucket.labels());
        String le = labels.remove("le");
        if (le == null) {
          throw new IllegalArgumentException(family + "_bucket" + bucket.labels()
              + " has no le label");
        }
        buckets.computeIfAbsent(labels, l -> new TreeMap<>()).put(value(le), bucket.value());
      }
      buckets.forEach((labels, byBound) -> {
        double previous = 0;
        for (Map.Entry<Double, Double> bucket : byBound.entrySet()) {
          if (bucket.getValue() < previous) {
            throw new IllegalArgumentException(family + labels + ": bucket le=" + bucket.getKey()
                + " counts less than the bucket below it");
          }
          previous = bucket.getValue();
        }
        Double infinite = byBound.get(Double.POSITIVE_INFINITY);
        if (infinite == null) {
          throw new IllegalArgumentException(family + labels + " has no le=\"+Inf\" bucket");
        }
        List<Sample> count = samples(family + "_count").stream()
            .filter(s -> s.labels().equals(labels)).toList();
        if (count.size() != 1 || count.get(0).value() != infinite) {
          throw new IllegalArgumentException(family + labels + ": _count is not the +Inf"
              + " bucket's " + infinite);
        }
        if (samples(family + "_sum").stream().noneMatch(s -> s.labels().equals(labels))) {
          throw new IllegalArgumentException(family + labels + " has no _sum");
        }
      });
    });
  }

  private static Sample sample(String line, int number) {
    int i = 0;
    int length = line.length();
    while (i < length && nameChar(line.charAt(i), i == 0, true)) {
      i++;
    }
    String name = line.substring(0, i);
    if (name.isEmpty()) {
      throw invalid(number, line, "not a metric name");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < length && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i >= length) {
          throw invalid(number, line, "labels not closed");
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int start = i;
        while (i < length && nameChar(line.charAt(i), i == start, false)) {
          i++;
        }
        String label = line.substring(start, i);
        if (label.isEmpty() || i + 1 >= length || line.charAt(i) != '='
            || line.charAt(i + 1) != '"') {
          throw invalid(number, line, "expected label=\"value\" at column " + (start + 1));
        }
        i += 2;
        StringBuilder value = new StringBuilder();
        while (true) {
          if (i >= length) {
            throw invalid(number, line, "label value not closed");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char escaped = i < length ? line.charAt(i++) : ' ';
            switch (escaped) {
              case '\\', '"' -> value.append(escaped);
              case 'n' -> value.append('\n');
              default -> throw invalid(number, line, "invalid escape \\" + escaped);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw invalid(number, line, "label " + label + " given twice");
        }
        if (i < length && line.charAt(i) == ',') {
          i++;
        } else if (i >= length || line.charAt(i) != '}') {
          throw invalid(number, line, "expected ',' or '}' at column " + (i + 1));
        }
      }
    }
    if (i >= length || (line.charAt(i) != ' ' && line.charAt(i) != '\t')) {
      throw invalid(number, line, "expected a space before the value");
    }
    String[] fields = line.substring(i).strip().split("[ \t]+");
    if (fields.length > 2) {
      throw invalid(number, line, "text after the timestamp");
    }
    double value;
    Long timestamp = null;
    try {
      value = value(fields[0]);
      if (fields.length == 2) {
        timestamp = Long.parseLong(fields[1]);
      }
    } catch (NumberFormatException e) {
      throw invalid(number, line, "not a number: " + e.getMessage());
    }
    return new Sample(name, labels, value, timestamp);
  }

  private static boolean metricName(String name) {
    return name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*");
  }

  private static boolean nameChar(char c, boolean first, boolean colon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':')
        || (!first && c >= '0' && c <= '9');
  }

  /** A sample value: Go's ParseFloat, as expfmt reads it ({@code +Inf}, {@code NaN} ...). */
  private static double value(String text) {
    return switch (text) {
      case "+Inf", "Inf", "+inf", "inf" -> Double.POSITIVE_INFINITY;
      case "-Inf", "-inf" -> Double.NEGATIVE_INFINITY;
      case "NaN", "nan" -> Double.NaN;
      default -> {
        if (!text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
          throw new NumberFormatException(text);
        }
        yield Double.parseDouble(text);
      }
    };
  }

  private static IllegalArgumentException invalid(int number, String line, String why) {
    return new IllegalArgumentException("line " + number + ": " + why + ": " + line);
  }
}
