package dev.capstan.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One control-plane server (a WildFly instance) sharing this database, with its last heartbeat.
 * Leader election and {@code componentstatuses} read these rows; each instance writes only its own.
 */
@Entity
@Table(name = "control_plane_instance")
public class ControlPlaneInstance {

  @Id
  @Column(name = "instance_id")
  private String instanceId;

  @Column(name = "host_name", nullable = false)
  private String hostName;

  @Column(name = "started_at", nullable = false)
  private Instant startedAt;

  @Column(name = "last_heartbeat", nullable = false)
  private Instant lastHeartbeat;

  @Column(nullable = false)
  private long heartbeats;

  @Column(name = "api_address")
  private String apiAddress;

  @Column(name = "api_port")
  private Integer apiPort;

  protected ControlPlaneInstance() {}

  public ControlPlaneInstance(String instanceId, String hostName, Instant startedAt) {
    this.instanceId = instanceId;
    this.hostName = hostName;
    this.startedAt = startedAt;
    this.lastHeartbeat = startedAt;
  }

  public void heartbeat(Instant now) {
    lastHeartbeat = now;
    heartbeats++;
  }

  /** Where this server serves the API (HTTPS), for the {@code kubernetes} service. */
  public void advertise(String address, int port) {
    apiAddress = address;
    apiPort = port;
  }

  /** This server stopped: it serves the API nowhere until it advertises again. */
  public void withdraw() {
    apiAddress = null;
    apiPort = null;
  }

  public java.util.Optional<String> apiAddress() {
    return java.util.Optional.ofNullable(apiAddress);
  }

  public int apiPort() {
    return apiPort == null ? 0 : apiPort;
  }

  public String instanceId() {
    return instanceId;
  }

  public String hostName() {
    return hostName;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant lastHeartbeat() {
    return lastHeartbeat;
  }

  public long heartbeats() {
    return heartbeats;
  }
}
