package dev.capstan.validation;

import static dev.capstan.json.JsonFields.objects;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The addresses an Endpoints or EndpointSlice may name, as Kubernetes' {@code ValidateEndpointIP}
 * allows them: a valid IP that is not unspecified, loopback, link-local or link-local multicast.
 * Those would point a service at the node itself (a pod could then reach what listens only on
 * the host's loopback, the API server's management port for one) or at node-centric services
 * such as a cloud's metadata endpoint.
 */
final class EndpointAddresses {

  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile("^" + OCTET + "(\\." + OCTET + "){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]+$");

  private EndpointAddresses() {}

  /** v1 Endpoints: {@code subsets[i].addresses[j].ip} and {@code notReadyAddresses}. */
  static void endpoints(JsonObject endpoints, List<FieldError> errors) {
    List<JsonObject> subsets = objects(endpoints, "subsets");
    for (int i = 0; i < subsets.size(); i++) {
      for (String list : List.of("addresses", "notReadyAddresses")) {
        List<JsonObject> addresses = objects(subsets.get(i), list);
        for (int j = 0; j < addresses.size(); j++) {
          errors.addAll(problems("subsets[" + i + "]." + list + "[" + j + "].ip",
              text(addresses.get(j).get("ip"))));
        }
      }
    }
  }

  /** discovery.k8s.io/v1 EndpointSlice: {@code endpoints[i].addresses[j]} of IP slices. */
  static void endpointSlice(JsonObject slice, List<FieldError> errors) {
    String type = slice.getString("addressType", "");
    if (!type.equals("IPv4") && !type.equals("IPv6")) {
      return;
    }
    List<JsonObject> endpoints = objects(slice, "endpoints");
    for (int i = 0; i < endpoints.size(); i++) {
      if (endpoints.get(i).get("addresses") instanceof jakarta.json.JsonArray addresses) {
        for (int j = 0; j < addresses.size(); j++) {
          errors.addAll(problems("endpoints[" + i + "].addresses[" + j + "]",
              text(addresses.get(j))));
        }
      }
    }
  }

  /** What is wrong with one address, in Kubernetes' words. */
  static List<FieldError> problems(String field, String address) {
    List<FieldError> errors = new ArrayList<>();
    Optional<InetAddress> parsed = parse(address);
    if (parsed.isEmpty()) {
      errors.add(FieldError.invalid(field, address,
          "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
      return errors;
    }
    InetAddress ip = parsed.get();
    if (ip.isAnyLocalAddress()) {
      errors.add(FieldError.invalid(field, address, "may not be unspecified (" + address + ")"));
    }
    if (ip.isLoopbackAddress()) {
      errors.add(FieldError.invalid(field, address,
          "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
    }
    if (ip.isLinkLocalAddress()) {
      errors.add(FieldError.invalid(field, address,
          "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
    }
    if (ip.isMCLinkLocal()) {
      errors.add(FieldError.invalid(field, address,
          "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
    }
    return errors;
  }

  /** An IP literal, never a name to look up. */
  private static Optional<InetAddress> parse(String address) {
    boolean v4 = IPV4.matcher(address).matches();
    boolean v6 = address.contains(":") && IPV6.matcher(address).matches();
    if (!v4 && !v6) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(address));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static String text(JsonValue value) {
    return value instanceof JsonString s ? s.getString() : value == null ? "" : value.toString();
  }
}
