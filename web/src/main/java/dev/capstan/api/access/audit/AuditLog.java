package dev.capstan.api.access.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The audit log file (kube-apiserver's log backend behind its batch buffer): requests only put
 * their lines on a bounded queue, one writer thread appends them to the file, so writing never
 * slows a request. A full queue drops the line and counts it. The file is rotated when it passes
 * its maximum size, to {@code audit-<time>.log} beside it (as lumberjack, which kube uses, names
 * backups), keeping at most the configured number of backups.
 */
public final class AuditLog implements AuditBackend, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);
  private static final String STOP = new String("stop");

  private final Path file;
  private final long maxBytes;
  private final int maxBackups;
  private final BlockingQueue<String> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  /**
   * Starts the writer.
   *
   * @param file the log file
   * @param maxBytes the size past which it is rotated, 0 for never
   * @param maxBackups the rotated files kept, 0 for all
   * @param capacity the lines that may wait to be written
   */
  public AuditLog(Path file, long maxBytes, int maxBackups, int capacity) throws IOException {
    this.file = file;
    this.maxBytes = maxBytes;
    this.maxBackups = maxBackups;
    this.queue = new ArrayBlockingQueue<>(capacity);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.writer = new Thread(this::drain, "capstan-audit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public String plugin() {
    return "log";
  }

  @Override
  public void write(jakarta.json.JsonObject event) {
    write(event.toString());
  }

  /** Queues a line; never blocks. */
  public void write(String line) {
    if (closed || !queue.offer(line)) {
      long count = dropped.incrementAndGet();
      if (count == 1 || count % 1000 == 0) {
        LOG.warning("audit log queue full: " + count + " audit events dropped so far");
      }
    }
  }

  /** The events dropped because the queue was full. */
  @Override
  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    List<String> batch = new ArrayList<>();
    try (OutputStream out = open()) {
      OutputStream current = out;
      long size = Files.size(file);
      while (true) {
        String first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 500);
        boolean stop = false;
        for (String line : batch) {
          if (line == STOP) {
            stop = true;
            continue;
          }
          byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
          if (maxBytes > 0 && size > 0 && size + bytes.length > maxBytes) {
            current.close();
            rotate();
            current = open();
            size = 0;
          }
          current.write(bytes);
          size += bytes.length;
        }
        current.flush();
        batch.clear();
        if (stop) {
          current.close();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "audit log " + file + " cannot be written; auditing stops", e);
      closed = true;
    }
  }

  private OutputStream open() throws IOException {
    return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void rotate() throws IOException {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    Path backup = file.resolveSibling(base + "-" + BACKUP_TIME.format(Instant.now()) + extension);
    for (int i = 1; Files.exists(backup); i++) {
      backup = file.resolveSibling(base + "-" + BACKUP_TIME.format(Instant.now()) + "-" + i
          + extension);
    }
    Files.move(file, backup);
    if (maxBackups > 0) {
      List<Path> backups;
      Path dir = file.toAbsolutePath().getParent();
      try (Stream<Path> files = Files.list(dir)) {
        backups = files.filter(p -> {
          String n = p.getFileName().toString();
          return n.startsWith(base + "-") && n.endsWith(extension) && !p.equals(file);
        }).sorted().toList();
      }
      for (int i = 0; i < backups.size() - maxBackups; i++) {
        Files.deleteIfExists(backups.get(i));
      }
    }
  }

  /** Writes what is queued, then stops the writer. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(STOP);
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      writer.interrupt();
    }
  }
}
