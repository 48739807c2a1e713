package dev.capstan.it.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a request and waits a bounded time for the whole answer: a server that does not answer
 * within the bound has hung, which is a failure like a 5xx.
 *
 * @param status the HTTP status, or 0 when there was none ({@code problem} says why)
 * @param body the answer's body as text (empty for a stream that was not read)
 * @param millis how long the answer took
 * @param problem {@code "hang"} or {@code "transport: ..."} when no answer came, else null
 */
public record Exchange(int status, String body, long millis, String problem) {

  /** Sends requests to one API server as one user (the bearer token, or none). */
  public static final class Client {

    /**
     * Reads error bodies of streaming requests: not the common pool, which has one thread on two
     * cores and would make concurrent cases wait for each other.
     */
    private static final java.util.concurrent.ExecutorService READERS =
        java.util.concurrent.Executors.newCachedThreadPool(r -> {
          Thread thread = new Thread(r, "fuzz-body-reader");
          thread.setDaemon(true);
          return thread;
        });

    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    private final String api;
    private final String token;
    private final Duration timeout;

    public Client(String api, String token, Duration timeout) {
      this.api = api;
      this.token = token;
      this.timeout = timeout;
    }

    public String api() {
      return api;
    }

    String token() {
      return token;
    }

    HttpClient http() {
      return http;
    }

    /**
     * How long a request may take: the base bound, plus a second per 100 KiB of body, as reading
     * a megabyte of YAML takes seconds on a busy two-core machine however well the server does.
     * (kube-apiserver's own bound is a minute.)
     */
    Duration timeout(FuzzRequest request) {
      return timeout.plusSeconds(request.size() / (100 * 1024));
    }

    HttpRequest.Builder builder(String path) {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(api + path))
          .timeout(timeout);
      if (token != null) {
        builder.header("Authorization", "Bearer " + token);
      }
      return builder;
    }

    public Exchange send(FuzzRequest request) {
      long start = System.nanoTime();
      HttpRequest.Builder builder;
      try {
        builder = builder(request.path());
      } catch (IllegalArgumentException e) {
        return new Exchange(0, "", 0, "transport: the client cannot send this URI: "
            + e.getMessage());
      }
      builder.method(request.method(), request.body() == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(request.body()));
      if (request.contentType() != null) {
        builder.header("Content-Type", request.contentType());
      }
      builder.header("Accept", "application/json");
      Duration bound = timeout(request);
      builder.timeout(bound);
      return request.streaming() ? stream(builder.build(), bound, start)
          : whole(builder.build(), bound, start);
    }

    /**
     * Awaits the whole answer at once: the future of a byte-array body completes with the last
     * byte, so one bounded wait covers both the head and the body, and no thread is spent
     * reading (the fuzzer's workers are the only threads that wait).
     */
    private Exchange whole(HttpRequest request, Duration timeout, long start) {
      CompletableFuture<HttpResponse<byte[]>> answer =
          http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
      try {
        HttpResponse<byte[]> response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Exchange(response.statusCode(),
            new String(response.body(), StandardCharsets.UTF_8), elapsed(start), null);
      } catch (TimeoutException e) {
        answer.cancel(true);
        return new Exchange(0, "", elapsed(start), "hang");
      } catch (ExecutionException e) {
        return failed(e.getCause(), start);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Exchange(0, "", elapsed(start), "transport: interrupted");
      }
    }

    /** A watch or a followed log: a 2xx is awaited to its head only, an error to its end. */
    private Exchange stream(HttpRequest request, Duration timeout, long start) {
      CompletableFuture<HttpResponse<InputStream>> answer =
          http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
      try {
        HttpResponse<InputStream> response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        int status = response.statusCode();
        if (status / 100 == 2) {
          response.body().close();
          return new Exchange(status, "", elapsed(start), null);
        }
        long left = Math.max(1, timeout.toMillis() - elapsed(start));
        CompletableFuture<byte[]> bytes = CompletableFuture.supplyAsync(() -> {
          try (InputStream in = response.body()) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }, READERS);
        try {
          byte[] body = bytes.get(left, TimeUnit.MILLISECONDS);
          return new Exchange(status, new String(body, StandardCharsets.UTF_8), elapsed(start),
              null);
        } catch (TimeoutException e) {
          response.body().close();
          return new Exchange(status, "", elapsed(start), "hang");
        }
      } catch (TimeoutException e) {
        answer.cancel(true);
        return new Exchange(0, "", elapsed(start), "hang");
      } catch (ExecutionException e) {
        return failed(e.getCause(), start);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Exchange(0, "", elapsed(start), "transport: interrupted");
      } catch (IOException e) {
        return new Exchange(0, "", elapsed(start), "transport: " + e);
      }
    }

    private static Exchange failed(Throwable cause, long start) {
      if (cause instanceof HttpTimeoutException) {
        return new Exchange(0, "", elapsed(start), "hang");
      }
      return new Exchange(0, "", elapsed(start), "transport: " + cause);
    }

    public Exchange get(String path) {
      return send(FuzzRequest.get(path));
    }

    private static long elapsed(long start) {
      return (System.nanoTime() - start) / 1_000_000;
    }
  }

  /** The class the counts are kept by: 2xx, 4xx, 5xx, hang, transport, other. */
  public String statusClass() {
    if (problem != null) {
      return problem.startsWith("hang") ? "hang" : "transport";
    }
    return switch (status / 100) {
      case 2 -> "2xx";
      case 4 -> "4xx";
      case 5 -> "5xx";
      default -> status + "";
    };
  }

  /** The body, short, for a report. */
  public String snippet() {
    String text = body.replaceAll("\\s+", " ");
    return Mutator.escape(text, 300);
  }
}
