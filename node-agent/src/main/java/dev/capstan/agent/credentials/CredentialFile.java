package dev.capstan.agent.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where the node's credential is kept between runs: one file in the agent's state directory
 * ({@code <agent dir>/pki/node-token}, the kubelet's {@code /var/lib/kubelet/pki/
 * kubelet-client-current.pem}), mode 0600 in a directory of mode 0700. A new credential is
 * written to a fresh 0600 file beside it and renamed over the old one, so a crash leaves either
 * the old credential or the new one, never half of one, and it is never readable by others even
 * for a moment.
 */
public final class CredentialFile {

  private final Path file;

  public CredentialFile(Path file) {
    this.file = file;
  }

  /** The file for an agent whose state lives in {@code agentDir}. */
  public static CredentialFile in(Path agentDir) {
    return new CredentialFile(agentDir.resolve("pki").resolve("node-token"));
  }

  public Path path() {
    return file;
  }

  /** The credential kept, if there is one and it reads as a credential. */
  public Optional<NodeCredential> read() throws IOException {
    try {
      return NodeCredential.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Keeps this credential in place of the one before. */
  public void write(NodeCredential credential) throws IOException {
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // a file where the directory should be: createTempFile below says so
    }
    Path fresh = Files.createTempFile(dir, ".node-token-", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(fresh, credential.token() + "\n", StandardCharsets.UTF_8);
      Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(fresh);
    }
  }
}
