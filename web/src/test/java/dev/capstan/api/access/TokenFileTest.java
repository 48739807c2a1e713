package dev.capstan.api.access;

import dev.capstan.access.User;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

  @TempDir
  Path dir;

  @Test
  void knownTokenNamesItsUserAndGroups() throws Exception {
    Path file = write("""
        # token,user,uid,groups
        s3cret,admin,admin-uid,"system:masters,devs"
        node-token,system:node:worker-1,node-1,system:nodes
        """);

    User admin = new TokenFile(file).authenticate("s3cret").orElseThrow();
    assertThat(admin.name()).isEqualTo("admin");
    assertThat(admin.groups()).containsExactly("system:masters", "devs");
    assertThat(new TokenFile(file).authenticate("node-token").orElseThrow().groups())
        .containsExactly("system:nodes");
  }

  @Test
  void unknownOrMalformedTokensAuthenticateNobody() throws Exception {
    Path file = write("s3cret,admin,admin-uid\n,nobody,x\nbroken-line\n");
    TokenFile tokens = new TokenFile(file);

    assertThat(tokens.authenticate("wrong")).isEmpty();
    assertThat(tokens.authenticate("")).isEmpty();
    assertThat(tokens.authenticate("broken-line")).isEmpty();
  }

  @Test
  void tokensAddedToTheFileAreHonouredWithoutARestart() throws Exception {
    Path file = write("first,admin,1\n");
    TokenFile tokens = new TokenFile(file);
    assertThat(tokens.authenticate("second")).isEmpty();

    Files.writeString(file, "first,admin,1\nsecond,agent,2\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(tokens.authenticate("second")).map(User::name).contains("agent");
  }

  @Test
  void onlyDigestsAreKept() {
    assertThat(TokenFile.parse(List.of("plain-token,admin,1")).keySet())
        .allSatisfy(key -> assertThat(key).hasSize(64).doesNotContain("plain-token"));
  }

  private Path write(String content) throws Exception {
    Path file = dir.resolve("tokens.csv");
    Files.writeString(file, content);
    return file;
  }
}
