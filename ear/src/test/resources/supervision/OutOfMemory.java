import java.nio.file.*;
import java.util.*;
/** Runs out of heap (twice, then ends normally), counting its runs in the file args[0]. */
public class OutOfMemory {
  public static void main(String[] args) throws Exception {
    Path count = Path.of(args[0]);
    int runs = Files.exists(count) ? Files.readAllLines(count).size() : 0;
    Files.writeString(count, "run\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (runs >= 2) { return; }
    List<long[]> hog = new ArrayList<>();
    while (true) { hog.add(new long[1 << 20]); }
  }
}
