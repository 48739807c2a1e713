package dev.capstan.allocation;

/**
 * The ports node ports come from ({@code capstan.service.node-port-range}, default
 * {@code 30000-32767} as in Kubernetes).
 */
record NodePortRange(int first, int last) {

  static final String DEFAULT = "30000-32767";

  static NodePortRange configured() {
    return parse(System.getProperty("capstan.service.node-port-range", DEFAULT));
  }

  static NodePortRange parse(String range) {
    String[] bounds = range.split("-", 2);
    try {
      int first = Integer.parseInt(bounds[0].trim());
      int last = bounds.length == 2 ? Integer.parseInt(bounds[1].trim()) : first;
      if (first < 1 || last > 65535 || last < first) {
        throw new IllegalArgumentException("not a port range: " + range);
      }
      return new NodePortRange(first, last);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port range: " + range, e);
    }
  }

  int size() {
    return last - first + 1;
  }

  boolean contains(int port) {
    return port >= first && port <= last;
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
