package dev.capstan.api.status;

import jakarta.json.JsonObject;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place an unexpected exception becomes an answer: it is logged once, with its stack
 * trace, under the logger {@value #LOGGER} and a line that starts with {@value #MARKER}, and the
 * client gets Kubernetes' {@code 500 InternalError} Status ({@code Internal error occurred: ...})
 * quoting an incident id and nothing internal. Both paths that can meet one use it: the JAX-RS
 * mapper ({@link DefectMapper}) and the outermost servlet filter ({@link DefectFilter}), for what
 * escapes JAX-RS (a filter, an {@link Error}). The integration tests fail a test class whose run
 * left the marker in the server log.
 */
public final class Defects {

  /** The logger of every defect. */
  public static final String LOGGER = "dev.capstan.defect";

  /** How each defect's log line starts: what the integration tests search the server log for. */
  public static final String MARKER = "CAPSTAN-DEFECT";

  private static final Logger LOG = Logger.getLogger(LOGGER);

  private Defects() {}

  /**
   * Logs the defect and returns the Status to answer with.
   *
   * @param request what was asked ({@code GET /api/v1/...}), for the log
   */
  public static JsonObject report(Throwable defect, String request) {
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, MARKER + " incident " + incident + " answering " + request + ": "
        + defect, defect);
    return Statuses.internalError("Internal error occurred: see the server log for incident "
        + incident);
  }
}
