package io.rtm.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The standalone master's view of its workers, from its web UI's {@code /json/} endpoint. */
public final class MasterStatus {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One worker as the master lists it; {@code state} is ALIVE, DEAD, DECOMMISSIONED, ... */
  public record Worker(String id, String host, int port, String state, int cores, int coresUsed) {}

  private MasterStatus() {}

  /** The workers the master knows, dead ones included; empty if the UI is not up yet. */
  public static List<Worker> workers(int webUiPort) {
    return fetch(webUiPort).orElse(List.of());
  }

  /** Whether the master answers: its UI serves status only once the master endpoint runs. */
  public static boolean isUp(int webUiPort) {
    return fetch(webUiPort).isPresent();
  }

  private static Optional<List<Worker>> fetch(int webUiPort) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUiPort + "/json/"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      List<Worker> workers = new ArrayList<>();
      for (JsonNode node : JSON.readTree(response.body()).path("workers")) {
        workers.add(
            new Worker(
                node.path("id").asText(),
                node.path("host").asText(),
                node.path("port").asInt(),
                node.path("state").asText(),
                node.path("cores").asInt(),
                node.path("coresused").asInt()));
      }
      return Optional.of(workers);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public static long aliveWorkers(int webUiPort) {
    return workers(webUiPort).stream().filter(w -> "ALIVE".equals(w.state())).count();
  }
}
