package dev.capstan.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class DefectsTest {

  @Test
  void aDefectIsA500StatusQuotingAnIncidentLoggedOnceWithTheMarkerAndItsStackTrace() {
    List<LogRecord> records = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger(Defects.LOGGER).addHandler(handler);
    try {
      JsonObject status = Defects.report(new StackOverflowError(), "GET /api/v1/x");
      assertThat(status.getInt("code")).isEqualTo(500);
      assertThat(status.getString("reason")).isEqualTo("InternalError");
      String message = status.getString("message");
      assertThat(message).startsWith("Internal error occurred: see the server log for incident ");
      assertThat(records).hasSize(1);
      assertThat(records.get(0).getMessage()).startsWith(Defects.MARKER + " incident ")
          .contains(message.substring(message.lastIndexOf(' ') + 1))
          .contains("GET /api/v1/x");
      assertThat(records.get(0).getThrown()).isInstanceOf(StackOverflowError.class);
    } finally {
      Logger.getLogger(Defects.LOGGER).removeHandler(handler);
    }
  }
}
