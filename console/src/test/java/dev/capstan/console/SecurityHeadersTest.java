package dev.capstan.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecurityHeadersTest {

  @Test
  void thePolicyAllowsNoInlineScriptNoFramingAndOnlyThisOrigin() {
    assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY).contains("script-src 'self'")
        .contains("frame-ancestors 'none'").contains("connect-src 'self'")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
  }

  @Test
  void hashedBundlesAreCachedAndTheEntryPageIsNot() {
    assertThat(SecurityHeaders.cacheControl("/assets/index-C9QcOLNh.js")).contains("immutable");
    assertThat(SecurityHeaders.cacheControl("/index.html")).isEqualTo("no-cache");
    assertThat(SecurityHeaders.cacheControl("/")).isEqualTo("no-cache");
  }
}
