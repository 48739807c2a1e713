package dev.capstan.api.access.audit;

import dev.capstan.events.AuditTrailPublisher;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Turns auditing on when a policy file is configured (kube-apiserver's
 * {@code --audit-policy-file}, {@code --audit-log-path}, {@code --audit-log-maxsize},
 * {@code --audit-log-maxbackup}, here system properties), to the log file and, with
 * {@code capstan.audit.topic=true}, to the audit topic; stops their writers on undeploy.
 * An invalid policy or an unusable log path stops the deployment with one clear line: the
 * server does not run with an audit it cannot honour.
 */
public class AuditStartup implements ServletContextListener {

  public static final String POLICY_FILE = "capstan.audit.policy-file";
  public static final String LOG_PATH = "capstan.audit.log-path";
  public static final String LOG_MAXSIZE = "capstan.audit.log-maxsize";
  public static final String LOG_MAXBACKUP = "capstan.audit.log-maxbackup";
  /** {@code true}: every audit event is also published on the audit topic ({@link AuditTopic}). */
  public static final String TOPIC = "capstan.audit.topic";
  /** The servlet context attribute holding the {@link Auditor}, absent when auditing is off. */
  public static final String AUDITOR_ATTRIBUTE = Auditor.class.getName();
  /** kube-apiserver's default batch buffer size. */
  private static final int QUEUE_CAPACITY = 10_000;
  private static final Logger LOG = Logger.getLogger(AuditStartup.class.getName());

  private AuditLog log;
  private AuditTopic topic;

  @EJB
  private AuditTrailPublisher publisher;

  @Resource
  private ManagedThreadFactory threads;

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
    List<AuditBackend> backends = new ArrayList<>();
    String logPath = System.getProperty(LOG_PATH, "");
    if (logPath.isBlank()) {
      LOG.warning("audit policy " + policyFile + " is configured without " + LOG_PATH
          + ": no audit log is written");
    } else {
      try {
        log = new AuditLog(Path.of(logPath),
            number(LOG_MAXSIZE) * 1024 * 1024, (int) number(LOG_MAXBACKUP), QUEUE_CAPACITY);
      } catch (IOException | IllegalArgumentException e) {
        String message = "audit log " + logPath + " cannot be written: " + e.getMessage();
        LOG.severe(message);
        throw new IllegalStateException(message, e);
      }
      backends.add(log);
    }
    if (Boolean.getBoolean(TOPIC)) {
      topic = new AuditTopic(publisher::publish, threads, QUEUE_CAPACITY);
      backends.add(topic);
    }
    if (backends.isEmpty()) {
      return;
    }
    context.getServletContext().setAttribute(AUDITOR_ATTRIBUTE, new Auditor(policy, backends));
    LOG.info("auditing with policy " + policyFile + " (" + policy.rules().size() + " rules) to "
        + (log == null ? "" : logPath) + (log != null && topic != null ? " and " : "")
        + (topic == null ? "" : "the topic " + dev.capstan.contract.Topics.AUDIT));
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
    if (topic != null) {
      topic.close();
      topic = null;
    }
  }
}
