package dev.capstan.watch;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One watcher's mailbox for live changes. Bounded: a watcher that falls this far behind is cut
 * off ({@link #overflowed()}), as kube-apiserver cuts off slow watchers; its client lists and
 * watches again.
 *
 * <p>The feed only appends and then calls the subscriber's wake-up ({@code onChange}) once per
 * batch it appended to; the subscriber drains with {@link #poll()} on its own schedule, so the
 * feed never waits for a watcher.
 */
public final class Subscription implements AutoCloseable {

  static final int CAPACITY = 10_000;

  private final WatchFilter filter;
  private final BlockingQueue<Change> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final Consumer<Subscription> onClose;
  private final Runnable onChange;
  private final AtomicBoolean appended = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean overflowed;

  Subscription(WatchFilter filter, Runnable onChange, Consumer<Subscription> onClose) {
    this.filter = filter;
    this.onChange = onChange;
    this.onClose = onClose;
  }

  /** Called by the feed for every change, in revision order. */
  void offer(Change change) {
    if (overflowed || !filter.matches(change)) {
      return;
    }
    if (!queue.offer(change)) {
      overflowed = true;
    }
    appended.set(true);
  }

  /** Called by the feed after a batch: wakes the subscriber if the batch brought it anything. */
  void signal() {
    if (appended.compareAndSet(true, false)) {
      onChange.run();
    }
  }

  /** The next live change, or null if none is waiting. */
  public Change poll() {
    return queue.poll();
  }

  /** The next live change, waiting up to the timeout; null if none came. */
  public Change poll(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.poll(timeout, unit);
  }

  public boolean overflowed() {
    return overflowed;
  }

  public WatchFilter filter() {
    return filter;
  }

  /** Stops the feed's deliveries; safe to call more than once. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.accept(this);
      queue.clear();
    }
  }
}
