package dev.capstan.api.access.audit;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Turns auditing on when a policy file is configured (kube-apiserver's
 * {@code --audit-policy-file}, {@code --audit-log-path}, {@code --audit-log-maxsize},
 * {@code --audit-log-maxbackup}, here system properties), and stops its writer on undeploy.
 * An invalid policy or an unusable log path stops the deployment with one clear line: the
 * server does not run with an audit it cannot honour.
 */
public class AuditStartup implements ServletContextListener {

  public static final String POLICY_FILE = "capstan.audit.policy-file";
  public static final String LOG_PATH = "capstan.audit.log-path";
  public static final String LOG_MAXSIZE = "capstan.audit.log-maxsize";
  public static final String LOG_MAXBACKUP = "capstan.audit.log-maxbackup";
  /** The servlet context attribute holding the {@link Auditor}, absent when auditing is off. */
  public static final String AUDITOR_ATTRIBUTE = Auditor.class.getName();
  /** kube-apiserver's default batch buffer size. */
  private static final int QUEUE_CAPACITY = 10_000;
  private static final Logger LOG = Logger.getLogger(AuditStartup.class.getName());

  private AuditLog log;

  @Override
  public void contextInitialized(ServletContextEvent context) {
    String policyFile = System.getProperty(POLICY_FILE, "");
    if (policyFile.isBlank()) {
      LOG.info("auditing is off: no " + POLICY_FILE + " configured");
      return;
    }
    AuditPolicy policy;
    try {
      policy = AuditPolicy.parse(Files.readString(Path.of(policyFile)));
    } catch (IOException | IllegalArgumentException e) {
      String message = "invalid audit policy " + policyFile + ": " + e.getMessage();
      LOG.severe(message);
      throw new IllegalStateException(message, e);
    }
    String logPath = System.getProperty(LOG_PATH, "");
    if (logPath.isBlank()) {
      LOG.warning("audit policy " + policyFile + " is configured without " + LOG_PATH
          + ": no audit log is written");
      return;
    }
    try {
      log = new AuditLog(Path.of(logPath),
          number(LOG_MAXSIZE) * 1024 * 1024, (int) number(LOG_MAXBACKUP), QUEUE_CAPACITY);
    } catch (IOException | IllegalArgumentException e) {
      String message = "audit log " + logPath + " cannot be written: " + e.getMessage();
      LOG.severe(message);
      throw new IllegalStateException(message, e);
    }
    context.getServletContext().setAttribute(AUDITOR_ATTRIBUTE, new Auditor(policy, log::write, log::dropped));
    LOG.info("auditing to " + logPath + " with policy " + policyFile + " ("
        + policy.rules().size() + " rules)");
  }

  private static long number(String property) {
    String value = System.getProperty(property, "0").trim();
    try {
      long number = Long.parseLong(value);
      if (number < 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + ": Invalid value: \"" + value
          + "\": must be a non-negative integer");
    }
  }

  @Override
  public void contextDestroyed(ServletContextEvent context) {
    context.getServletContext().removeAttribute(AUDITOR_ATTRIBUTE);
    if (log != null) {
      log.close();
      log = null;
    }
  }
}
