package dev.capstan.admission.podsecurity.checks;

import static dev.capstan.admission.podsecurity.checks.PodFields.*;

import dev.capstan.admission.podsecurity.CheckResult;
import dev.capstan.admission.podsecurity.Level;
import dev.capstan.admission.podsecurity.PodSecurityCheck;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Restricted: volumes only of the types that cannot reach the host (configMap, csi, downwardAPI,
 * emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret). Replaces the baseline
 * hostPath check.
 */
final class RestrictedVolumes implements PodSecurityCheck {

  private static final Set<String> ALLOWED = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
      "ephemeral", "image", "persistentVolumeClaim", "projected", "secret");
  /** The volume types Kubernetes names; any other source is "unknown". */
  private static final List<String> KNOWN = List.of("hostPath", "gcePersistentDisk",
      "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume",
      "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
      "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos");

  @Override
  public String id() {
    return "restrictedVolumes";
  }

  @Override
  public Level level() {
    return Level.RESTRICTED;
  }

  @Override
  public Set<String> overrides() {
    return Set.of(HostPathVolumes.ID);
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    List<String> bad = new ArrayList<>();
    Set<String> types = new TreeSet<>();
    for (JsonObject volume : objects(spec, "volumes")) {
      List<String> sources = volume.keySet().stream().filter(key -> !key.equals("name")).toList();
      // no source at all is an emptyDir, as Kubernetes' defaulting makes it
      if (sources.isEmpty() || sources.stream().anyMatch(ALLOWED::contains)) {
        continue;
      }
      bad.add(name(volume));
      types.add(KNOWN.stream().filter(sources::contains).findFirst().orElse("unknown"));
    }
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult(
        "restricted volume types", pluralize("volume", "volumes", bad.size()) + " "
            + joinQuote(bad) + " " + pluralize("uses", "use", bad.size()) + " "
            + pluralize("restricted volume type", "restricted volume types", types.size()) + " "
            + joinQuote(types)));
  }
}
