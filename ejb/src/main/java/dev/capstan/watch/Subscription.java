package dev.capstan.watch;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One watcher's mailbox for live changes. Bounded: a watcher that falls this far behind is cut
 * off ({@link #overflowed()}), as kube-apiserver cuts off slow watchers; its client lists and
 * watches again.
 */
public final class Subscription implements AutoCloseable {

  static final int CAPACITY = 10_000;

  private final WatchFilter filter;
  private final BlockingQueue<Change> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final Consumer<Subscription> onClose;
  private volatile boolean overflowed;

  Subscription(WatchFilter filter, Consumer<Subscription> onClose) {
    this.filter = filter;
    this.onClose = onClose;
  }

  /** Called by the feed for every change, in revision order. */
  void offer(Change change) {
    if (!overflowed && filter.matches(change) && !queue.offer(change)) {
      overflowed = true;
    }
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

  @Override
  public void close() {
    onClose.accept(this);
  }
}
