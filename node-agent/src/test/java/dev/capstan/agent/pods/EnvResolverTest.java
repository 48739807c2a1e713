package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvResolverTest {

  private static final Map<String, String> VARIABLES = Map.of("NAME", "web", "PORT", "80");

  @Test
  void referencesToDefinedVariablesAreExpanded() {
    assertThat(EnvResolver.expand("$(NAME):$(PORT)", VARIABLES)).isEqualTo("web:80");
  }

  @Test
  void unknownReferencesStayAndDoubleDollarEscapes() {
    assertThat(EnvResolver.expand("$(OTHER) $$(NAME) $NAME $(", VARIABLES))
        .isEqualTo("$(OTHER) $(NAME) $NAME $(");
  }
}
