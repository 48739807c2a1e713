package dev.capstan.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
}
