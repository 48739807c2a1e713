package dev.capstan.agent.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A throw-away CA made with openssl, as bin/capstan makes the installation's. */
final class TestCa {

  final Path dir;

  TestCa(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
        "-keyout", "ca.key", "-out", "ca.crt", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  Path ca() {
    return dir.resolve("ca.crt");
  }

  /** Issues NAME.crt and NAME.key for the subject with the extensions. */
  void issue(String name, String subject, String extensions)
      throws IOException, InterruptedException {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", subject,
        "-keyout", name + ".key", "-out", name + ".csr");
    openssl("x509", "-req", "-days", "1", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey",
        "ca.key", "-CAcreateserial", "-out", name + ".crt", "-extfile", name + ".ext");
  }

  private void openssl(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("openssl failed: " + output);
    }
  }
}
