package dev.capstan.limits;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonValue;
import java.io.Writer;

/**
 * The size of a JSON value as UTF-8 text, counted while writing it to nowhere and given up as soon
 * as it passes a bound: measuring a value that a patch has made huge costs no more than the bound,
 * and allocates nothing.
 */
public final class JsonSize {

  private JsonSize() {}

  /** Whether the value's JSON text is longer than {@code limit} bytes. */
  public static boolean exceeds(JsonValue value, long limit) {
    return bytes(value, limit) > limit;
  }

  /** The value's JSON length in bytes, or {@code limit + 1} if it is longer than the limit. */
  public static long bytes(JsonValue value, long limit) {
    Counter counter = new Counter(limit);
    try {
      Json.createWriter(counter).write(value);
    } catch (RuntimeException e) {
      // Counter.Full, as it is or wrapped by the writer
      if (counter.count <= limit) {
        throw e;
      }
      return limit + 1;
    }
    return counter.count;
  }

  private static final class Counter extends Writer {
    private final long limit;
    private long count;

    Counter(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        count(chars[i]);
      }
    }

    @Override
    public void write(String text, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        count(text.charAt(i));
      }
    }

    @Override
    public void write(int c) {
      count((char) c);
    }

    private void count(char c) {
      // a surrogate pair is 4 bytes in UTF-8: 2 for each half
      count += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
      if (count > limit) {
        throw new Full();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** Thrown to stop writing: the bound is passed. */
    static final class Full extends RuntimeException {
      Full() {
        super(null, null, false, false);
      }
    }
  }
}
