package dev.capstan.admission.podsecurity.checks;

import dev.capstan.admission.podsecurity.PodSecurityCheck;
import java.util.List;

/** The Pod Security Standards' checks at their latest version, one class each. */
public final class StandardChecks {

  private StandardChecks() {}

  public static List<PodSecurityCheck> all() {
    return List.of(new AppArmorProfile(), new CapabilitiesBaseline(), new HostNamespaces(),
        new HostPathVolumes(), new HostPorts(), new HostProbesAndHostLifecycle(),
        new Privileged(), new ProcMount(), new SeLinuxOptions(), new SeccompProfileBaseline(),
        new Sysctls(), new WindowsHostProcess(), new AllowPrivilegeEscalation(),
        new CapabilitiesRestricted(), new ProcMountRestricted(), new RestrictedVolumes(),
        new RunAsNonRoot(), new RunAsUser(), new SeccompProfileRestricted());
  }
}
