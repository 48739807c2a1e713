package dev.capstan.store.schema;

/** Fired once per server start, when the database schema is up to date and the store usable. */
public record SchemaReady() {}
