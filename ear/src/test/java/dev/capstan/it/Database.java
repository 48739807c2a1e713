package dev.capstan.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Direct reads of the PostgreSQL the test servers use (the fork's database, see
 * {@link ForkEnvironment}; user and password from CAPSTAN_DB_*), so tests can check what really
 * reached the database.
 */
final class Database {

  private Database() {}

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(ForkEnvironment.databaseUrl(), user(), password());
  }

  static String user() {
    return env("CAPSTAN_DB_USER", "capstan");
  }

  static String password() {
    return env("CAPSTAN_DB_PASSWORD", "capstan");
  }

  /** One column of the first row of a query with string parameters, if there is a row. */
  static Optional<String> queryString(String sql, String... parameters) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /** The first column of every row of a query with string parameters. */
  static List<String> queryStrings(String sql, String... parameters) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      List<String> values = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
