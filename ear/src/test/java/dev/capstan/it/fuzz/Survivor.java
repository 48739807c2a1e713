package dev.capstan.it.fuzz;

/**
 * An object a run left behind.
 *
 * @param written whether a fuzz request made it what it is (else it is a case's valid base
 *     object, as the corpus wrote it): those are the ones worth describing
 * @param seed the seed of the case that made it, which reproduces it
 */
record Survivor(Corpus.Kind kind, String namespace, String name, boolean written,
    String seed) {
  String key() {
    return (kind.namespaced() ? namespace : "") + "/" + name;
  }

  String path() {
    return kind.object(namespace, name);
  }
}
