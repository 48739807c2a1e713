package dev.capstan.api.table;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.function.Function;

/**
 * One column of a kind's Table: its definition as kubectl reads it, and how to compute its cell.
 *
 * @param name the header, e.g. {@code Ready} (kubectl upper-cases it)
 * @param type {@code string}, {@code integer}, {@code date}
 * @param format {@code name} for the name column, else empty
 * @param description what the column shows
 * @param priority 0 for the default view, 1 for {@code -o wide} only
 * @param cell the cell's value for one object
 */
public record Column(String name, String type, String format, String description, int priority,
    Function<JsonObject, JsonValue> cell) {}
