package dev.capstan.resources;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Named amounts ({@code requests}, {@code limits}, a quota's {@code hard} and {@code used}), with
 * the arithmetic Kubernetes' quota helpers do: add, mask to some names, drop zeros, find what
 * exceeds a limit. Immutable; names are kept sorted, as Kubernetes prints them.
 */
public record ResourceList(SortedMap<String, Quantity> amounts) {

  public static final ResourceList EMPTY = new ResourceList(new TreeMap<>());

  public ResourceList {
    amounts = Collections.unmodifiableSortedMap(new TreeMap<>(amounts));
  }

  /** The well-formed quantities of a JSON resource list; malformed entries are left out. */
  public static ResourceList of(JsonObject json) {
    SortedMap<String, Quantity> amounts = new TreeMap<>();
    json.forEach((name, value) -> Quantity.of(value).ifPresent(q -> amounts.put(name, q)));
    return new ResourceList(amounts);
  }

  public static ResourceList of(Map<String, Quantity> amounts) {
    return new ResourceList(new TreeMap<>(amounts));
  }

  public Quantity get(String name) {
    return amounts.getOrDefault(name, Quantity.ZERO);
  }

  public boolean has(String name) {
    return amounts.containsKey(name);
  }

  public Set<String> names() {
    return amounts.keySet();
  }

  public boolean isEmpty() {
    return amounts.isEmpty();
  }

  public ResourceList with(String name, Quantity amount) {
    SortedMap<String, Quantity> result = new TreeMap<>(amounts);
    result.put(name, amount);
    return new ResourceList(result);
  }

  /** Every name of either list, with the sum of both. */
  public ResourceList plus(ResourceList other) {
    SortedMap<String, Quantity> result = new TreeMap<>(amounts);
    other.amounts.forEach((name, amount) -> result.merge(name, amount, Quantity::plus));
    return new ResourceList(result);
  }

  /** Every name of either list, with the larger amount. */
  public ResourceList max(ResourceList other) {
    SortedMap<String, Quantity> result = new TreeMap<>(amounts);
    other.amounts.forEach((name, amount) -> result.merge(name, amount, Quantity::max));
    return new ResourceList(result);
  }

  /** Only the entries whose names are given. */
  public ResourceList mask(Collection<String> names) {
    SortedMap<String, Quantity> result = new TreeMap<>(amounts);
    result.keySet().retainAll(Set.copyOf(names));
    return new ResourceList(result);
  }

  public ResourceList withoutZeros() {
    SortedMap<String, Quantity> result = new TreeMap<>(amounts);
    result.values().removeIf(Quantity::isZero);
    return new ResourceList(result);
  }

  /** The names whose amount here is above the limit's (names the limit lacks are not limited). */
  public List<String> exceeding(ResourceList limit) {
    return amounts.entrySet().stream()
        .filter(e -> limit.has(e.getKey()) && e.getValue().compareTo(limit.get(e.getKey())) > 0)
        .map(Map.Entry::getKey).toList();
  }

  public JsonObject toJson() {
    JsonObjectBuilder json = Json.createObjectBuilder();
    amounts.forEach((name, amount) -> json.add(name, amount.toString()));
    return json.build();
  }

  /** {@code pods=1,services=2}, as quota messages print resource lists. */
  @Override
  public String toString() {
    return amounts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
