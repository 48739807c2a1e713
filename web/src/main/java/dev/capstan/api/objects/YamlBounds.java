package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.limits.RequestLimits;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;

/**
 * What a YAML body may expand to, checked on its events (which SnakeYAML's parser yields flat,
 * without recursion) before anything is built from it, so that no small body can make the
 * server recurse or allocate without bound:
 *
 * <ul>
 *   <li>nesting deeper than {@link RequestLimits#MAX_YAML_DEPTH}: {@code yaml: exceeded max depth
 *       of 1000};
 *   <li>an alias inside the value of its own anchor, which would expand forever:
 *       {@code yaml: anchor 'a' value contains itself} (go-yaml's words);
 *   <li>aliases that make up most of the document once expanded ("billion laughs": ten aliases of
 *       ten aliases of ... take a few hundred bytes and expand to millions of values):
 *       {@code yaml: document contains excessive aliasing}, by go-yaml's own rule, so that what
 *       kube-apiserver (sigs.k8s.io/yaml, go-yaml) accepts is accepted here and what it refuses is
 *       refused. go-yaml counts every node it decodes, and every node it decodes through an alias;
 *       more than 100 of the latter among more than 1,000 nodes is too many when their share
 *       exceeds 99% (up to 400,000 nodes), falling linearly to 10% (at 4,000,000 nodes). The size
 *       of each anchor's value, aliases in it expanded, is known when its value ends, so each
 *       alias adds its whole expansion at once; the shares only grow within one expansion, so
 *       checking at each alias's end refuses exactly what go-yaml refuses along the way.
 * </ul>
 */
final class YamlBounds {

  private static final long RATIO_RANGE_LOW = 400_000;
  private static final long RATIO_RANGE_HIGH = 4_000_000;
  /** Sizes saturate here: an expansion this large is refused long before it is reached. */
  private static final long SATURATED = 1L << 52;

  /** One open collection: the nodes of its value so far, itself included. */
  private static final class Open {
    private final Optional<Anchor> anchor;
    private long size = 1;

    Open(Optional<Anchor> anchor) {
      this.anchor = anchor;
    }
  }

  private final Deque<Open> open = new ArrayDeque<>();
  private final Set<String> openAnchors = new HashSet<>();
  private final Map<String, Long> anchorSizes = new HashMap<>();
  private long decoded;
  private long decodedThroughAliases;

  /** Bounds for one body, its events given one at a time to {@link #accept}. */
  YamlBounds() {}

  /** Refuses (400) a body whose events break one of the bounds above. */
  static void check(Iterable<Event> events) {
    YamlBounds bounds = new YamlBounds();
    for (Event event : events) {
      bounds.accept(event);
    }
  }

  /** Refuses (400) the event that breaks a bound, before anything is built from it. */
  void accept(Event event) {
    switch (event.getEventId()) {
      case MappingStart, SequenceStart -> {
        if (open.size() >= RequestLimits.MAX_YAML_DEPTH) {
          throw Statuses.badRequest("yaml: exceeded max depth of " + RequestLimits.MAX_YAML_DEPTH);
        }
        Optional<Anchor> anchor = ((CollectionStartEvent) event).getAnchor();
        anchor.ifPresent(a -> openAnchors.add(a.getValue()));
        open.push(new Open(anchor));
        decoded = plus(decoded, 1);
      }
      case MappingEnd, SequenceEnd -> {
        Open closed = open.pop();
        closed.anchor.ifPresent(a -> {
          openAnchors.remove(a.getValue());
          anchorSizes.put(a.getValue(), closed.size);
        });
        addToParent(closed.size);
      }
      case Scalar -> {
        ((NodeEvent) event).getAnchor().ifPresent(a -> {
          // a name defined again names the new value from here on, even inside the old one's
          openAnchors.remove(a.getValue());
          anchorSizes.put(a.getValue(), 1L);
        });
        decoded = plus(decoded, 1);
        addToParent(1);
      }
      case Alias -> alias(((AliasEvent) event).getAlias().getValue());
      default -> { }
    }
  }

  /** The alias node, then its anchor's whole value again, every node of it through the alias. */
  private void alias(String anchor) {
    if (openAnchors.contains(anchor)) {
      throw Statuses.badRequest("yaml: anchor '" + anchor + "' value contains itself");
    }
    // an anchor not (yet) defined is the composer's error to report
    long expansion = anchorSizes.getOrDefault(anchor, 0L);
    decoded = plus(decoded, plus(1, expansion));
    decodedThroughAliases = plus(decodedThroughAliases, expansion);
    addToParent(plus(1, expansion));
    if (decodedThroughAliases > 100 && decoded > 1000
        && (double) decodedThroughAliases / decoded > allowedAliasRatio(decoded)) {
      throw Statuses.badRequest("yaml: document contains excessive aliasing");
    }
  }

  private void addToParent(long size) {
    Open parent = open.peek();
    if (parent != null) {
      parent.size = plus(parent.size, size);
    }
  }

  /** go-yaml's {@code allowedAliasRatio}. */
  static double allowedAliasRatio(long decodeCount) {
    if (decodeCount <= RATIO_RANGE_LOW) {
      return 0.99;
    }
    if (decodeCount >= RATIO_RANGE_HIGH) {
      return 0.10;
    }
    return 0.99 - 0.89 * ((double) (decodeCount - RATIO_RANGE_LOW)
        / (RATIO_RANGE_HIGH - RATIO_RANGE_LOW));
  }

  private static long plus(long a, long b) {
    return Math.min(SATURATED, a + b);
  }
}
