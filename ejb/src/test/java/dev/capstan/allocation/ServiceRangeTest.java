package dev.capstan.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceRangeTest {

  @Test
  void kubernetesDefaultRangeGivesTheKubernetesServiceTenNinetySixZeroOne() {
    assertThat(ServiceRange.parse("10.96.0.0/12").first()).isEqualTo("10.96.0.1");
  }

  @Test
  void hostBitsInTheRangeAreIgnored() {
    assertThat(ServiceRange.parse("10.0.125.105/16").first()).isEqualTo("10.0.0.1");
  }

  @Test
  void ipv6AndBadPrefixesAreRefused() {
    assertThatThrownBy(() -> ServiceRange.parse("fd00::/108")).hasMessageContaining("IPv4");
    assertThatThrownBy(() -> ServiceRange.parse("10.96.0.0/31")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> ServiceRange.parse("10.96.0.0")).hasMessageContaining("CIDR");
  }

  @ParameterizedTest(name = "{0} in 10.96.0.0/12: {1}")
  @CsvSource({
      "10.96.0.1, true",
      "10.111.255.254, true",
      "10.96.0.0, false",
      "10.111.255.255, false",
      "10.112.0.1, false",
      "10.0.0.5, false",
      "not-an-ip, false",
      "10.96.0, false"})
  void usableAddressesAreThoseBetweenTheNetworkAndBroadcastAddresses(String ip, boolean usable) {
    assertThat(ServiceRange.parse("10.96.0.0/12").containsUsable(ip)).isEqualTo(usable);
  }

  @Test
  void usableAddressesAreCountedAndNumberedFromTheFirst() {
    ServiceRange range = ServiceRange.parse("10.96.0.0/29");
    assertThat(range.usable()).isEqualTo(6);
    assertThat(range.usableAddress(0)).isEqualTo("10.96.0.1");
    assertThat(range.usableAddress(5)).isEqualTo("10.96.0.6");
    assertThat(range).hasToString("10.96.0.0/29");
  }

  @Test
  void nodePortRangesParseAndRefuseNonsense() {
    assertThat(NodePortRange.parse("30000-32767").size()).isEqualTo(2768);
    assertThat(NodePortRange.parse("30000-32767").contains(32767)).isTrue();
    assertThat(NodePortRange.parse("30000-32767").contains(29999)).isFalse();
    assertThatThrownBy(() -> NodePortRange.parse("32767-30000")).hasMessageContaining("port range");
    assertThatThrownBy(() -> NodePortRange.parse("a-b")).hasMessageContaining("port range");
  }
}
