package dev.capstan.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.kinds.ResourceTypes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointAddressesTest {

  private static List<String> endpoints(String ip) {
    JsonObject endpoints = Json.createReader(new StringReader("""
        {"metadata":{"name":"mgmt"},"subsets":[{"addresses":[{"ip":"10.0.0.5"}],
          "notReadyAddresses":[{"ip":"%s"}],"ports":[{"port":9990}]}]}""".formatted(ip)))
        .readObject();
    return ObjectValidation.validateCreate(ResourceTypes.ENDPOINTS, endpoints).stream()
        .map(FieldError::toString).toList();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1|may not be in the loopback range (127.0.0.0/8, ::1/128)",
      "127.8.9.10|may not be in the loopback range (127.0.0.0/8, ::1/128)",
      "::1|may not be in the loopback range (127.0.0.0/8, ::1/128)",
      "169.254.169.254|may not be in the link-local range (169.254.0.0/16, fe80::/10)",
      "fe80::1|may not be in the link-local range (169.254.0.0/16, fe80::/10)",
      "224.0.0.251|may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
      "ff02::1|may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
      "0.0.0.0|may not be unspecified (0.0.0.0)",
      "localhost|must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
  })
  void addressesOfTheNodeItselfAreRefused(String ip, String message) {
    assertThat(endpoints(ip)).containsExactly("subsets[0].notReadyAddresses[0].ip: Invalid value:"
        + " \"" + ip + "\": " + message);
  }

  @Test
  void podAndNodeAddressesAreAccepted() {
    assertThat(endpoints("172.17.0.3")).isEmpty();
    assertThat(endpoints("2001:db8::7")).isEmpty();
  }

  @Test
  void endpointSlicesOfIpAddressesAreCheckedToo() {
    JsonObject slice = Json.createReader(new StringReader("""
        {"metadata":{"name":"mgmt-1"},"addressType":"IPv4",
         "endpoints":[{"addresses":["10.0.0.5","127.0.0.1"]}],"ports":[{"port":9990}]}"""))
        .readObject();

    assertThat(ObjectValidation.validateCreate(ResourceTypes.ENDPOINT_SLICE, slice).stream()
        .map(FieldError::toString)).containsExactly("endpoints[0].addresses[1]: Invalid value:"
            + " \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)");
  }

  @Test
  void podSecurityLabelsMustNameALevelOrVersion() {
    JsonObject namespace = Json.createReader(new StringReader("""
        {"metadata":{"name":"team","labels":{"pod-security.kubernetes.io/enforce":"strict",
          "pod-security.kubernetes.io/warn":"restricted",
          "pod-security.kubernetes.io/warn-version":"v1.30"}}}""")).readObject();

    assertThat(ObjectValidation.validateCreate(ResourceTypes.NAMESPACE, namespace).stream()
        .map(FieldError::toString)).containsExactly("metadata.labels[pod-security.kubernetes.io"
            + "/enforce]: Invalid value: \"strict\": must be one of privileged, baseline,"
            + " restricted");
  }
}
