package dev.capstan.admission.podsecurity.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.admission.podsecurity.CheckResult;
import dev.capstan.admission.podsecurity.PodSecurityCheck;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every check, table-driven: a pod spec (JSON, single quotes for double) and what the check
 * says about it, {@code reason (detail)} as Kubernetes prints it, or nothing when it passes.
 */
class StandardChecksTest {

  private static String verdict(PodSecurityCheck check, String metadata, String spec) {
    return check.check(json(metadata), json(spec)).map(CheckResult::toString).orElse("");
  }

  private static String verdict(PodSecurityCheck check, String spec) {
    return verdict(check, "{}", spec);
  }

  /** A blank expectation: the check passes. */
  private static String orNothing(String expected) {
    return expected == null ? "" : expected;
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c'}]} | ",
      "{'securityContext':{'windowsOptions':{'hostProcess':false}},'containers':[{'name':'c'}]} | ",
      "{'securityContext':{'windowsOptions':{'hostProcess':true}},'containers':[{'name':'c'}]}"
          + " | hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)",
      "{'securityContext':{'windowsOptions':{'hostProcess':true}},'containers':[{'name':'a',"
          + "'securityContext':{'windowsOptions':{'hostProcess':true}}},{'name':'b',"
          + "'securityContext':{'windowsOptions':{'hostProcess':true}}}]} | hostProcess (pod and"
          + " containers \"a\", \"b\" must not set securityContext.windowsOptions.hostProcess=true)"
  })
  void windowsHostProcess(String spec, String expected) {
    assertThat(verdict(new WindowsHostProcess(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'hostNetwork':false,'containers':[]} | ",
      "{'hostNetwork':true,'containers':[]} | host namespaces (hostNetwork=true)",
      "{'hostIPC':true,'hostPID':true,'hostNetwork':true} | host namespaces (hostNetwork=true,"
          + " hostPID=true, hostIPC=true)"
  })
  void hostNamespaces(String spec, String expected) {
    assertThat(verdict(new HostNamespaces(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c','securityContext':{'privileged':false}}]} | ",
      "{'initContainers':[{'name':'i','securityContext':{'privileged':true}}],"
          + "'containers':[{'name':'c','securityContext':{'privileged':true}}]}"
          + " | privileged (containers \"i\", \"c\" must not set securityContext.privileged=true)",
      "{'ephemeralContainers':[{'name':'debug','securityContext':{'privileged':true}}]}"
          + " | privileged (container \"debug\" must not set securityContext.privileged=true)"
  })
  void privileged(String spec, String expected) {
    assertThat(verdict(new Privileged(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c','securityContext':{'capabilities':{'add':['NET_BIND_SERVICE',"
          + "'CHOWN']}}}]} | ",
      "{'containers':[{'name':'c','securityContext':{'capabilities':{'add':['SYS_ADMIN',"
          + "'NET_RAW','CHOWN']}}}]} | non-default capabilities (container \"c\" must not include"
          + " \"NET_RAW\", \"SYS_ADMIN\" in securityContext.capabilities.add)"
  })
  void capabilitiesBaseline(String spec, String expected) {
    assertThat(verdict(new CapabilitiesBaseline(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'volumes':[{'name':'e','emptyDir':{}}]} | ",
      "{'volumes':[{'name':'h','hostPath':{'path':'/'}}]} | hostPath volumes (volume \"h\")",
      "{'volumes':[{'name':'a','hostPath':{'path':'/'}},{'name':'b','hostPath':{'path':'/'}}]}"
          + " | hostPath volumes (volumes \"a\", \"b\")"
  })
  void hostPathVolumes(String spec, String expected) {
    assertThat(verdict(new HostPathVolumes(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c','ports':[{'containerPort':80}]}]} | ",
      "{'containers':[{'name':'c','ports':[{'containerPort':80,'hostPort':8080}]}]}"
          + " | hostPort (container \"c\" uses hostPort 8080)",
      "{'containers':[{'name':'a','ports':[{'hostPort':90},{'hostPort':100}]},"
          + "{'name':'b','ports':[{'hostPort':90}]}]}"
          + " | hostPort (containers \"a\", \"b\" use hostPorts 100, 90)"
  })
  void hostPorts(String spec, String expected) {
    assertThat(verdict(new HostPorts(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{} | {'securityContext':{'appArmorProfile':{'type':'RuntimeDefault'}}} | ",
      "{} | {'securityContext':{'appArmorProfile':{'type':'Unconfined'}},'containers':[{'name':"
          + "'c','securityContext':{'appArmorProfile':{'type':'Unconfined'}}}]}"
          + " | forbidden AppArmor profile (pod and container \"c\" must not set AppArmor profile"
          + " type to \"Unconfined\")",
      "{'annotations':{'container.apparmor.security.beta.kubernetes.io/c':'unconfined'}}"
          + " | {'containers':[{'name':'c'}]} | forbidden AppArmor profile (annotation must not"
          + " set AppArmor profile type to \"container.apparmor.security.beta.kubernetes.io/c="
          + "\"unconfined\"\")",
      "{'annotations':{'container.apparmor.security.beta.kubernetes.io/c':'localhost/p'}}"
          + " | {'containers':[{'name':'c'}]} | "
  })
  void appArmorProfile(String metadata, String spec, String expected) {
    assertThat(verdict(new AppArmorProfile(), metadata, spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'securityContext':{'seLinuxOptions':{'type':'container_t','level':'s0:c1'}}} | ",
      "{'securityContext':{'seLinuxOptions':{'type':'spc_t'}},'containers':[{'name':'c',"
          + "'securityContext':{'seLinuxOptions':{'user':'root','role':'sysadm_r'}}}]}"
          + " | seLinuxOptions (pod and container \"c\" set forbidden"
          + " securityContext.seLinuxOptions: type \"spc_t\"; user may not be set; role may not"
          + " be set)"
  })
  void seLinuxOptions(String spec, String expected) {
    assertThat(verdict(new SeLinuxOptions(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c','securityContext':{'procMount':'Default'}}]} | ",
      "{'containers':[{'name':'c','securityContext':{'procMount':'Unmasked'}}]}"
          + " | procMount (container \"c\" must not set securityContext.procMount to"
          + " \"Unmasked\")",
      "{'hostUsers':false,'containers':[{'name':'c','securityContext':{'procMount':'Unmasked'}}]}"
          + " | "
  })
  void procMount(String spec, String expected) {
    assertThat(verdict(new ProcMount(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'hostUsers':false,'containers':[{'name':'c','securityContext':{'procMount':'Unmasked'}}]}"
          + " | procMount (container \"c\" must not set securityContext.procMount to"
          + " \"Unmasked\")"
  })
  void procMountRestrictedIgnoresUserNamespaces(String spec, String expected) {
    assertThat(verdict(new ProcMountRestricted(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c'}]} | ",
      "{'securityContext':{'seccompProfile':{'type':'Localhost','localhostProfile':'p.json'}}}"
          + " | ",
      "{'securityContext':{'seccompProfile':{'type':'Unconfined'}},'containers':[{'name':'c'}]}"
          + " | seccompProfile (pod must not set securityContext.seccompProfile.type to"
          + " \"Unconfined\")"
  })
  void seccompProfileBaseline(String spec, String expected) {
    assertThat(verdict(new SeccompProfileBaseline(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'securityContext':{'sysctls':[{'name':'net.ipv4.tcp_syncookies','value':'1'}]}} | ",
      "{'securityContext':{'sysctls':[{'name':'kernel.msgmax','value':'1'},"
          + "{'name':'net.core.somaxconn','value':'1'}]}}"
          + " | forbidden sysctls (kernel.msgmax, net.core.somaxconn)"
  })
  void sysctls(String spec, String expected) {
    assertThat(verdict(new Sysctls(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c','livenessProbe':{'httpGet':{'port':80}}}]} | ",
      "{'containers':[{'name':'c','livenessProbe':{'httpGet':{'host':'10.0.0.1','port':80}},"
          + "'lifecycle':{'preStop':{'tcpSocket':{'host':'example.com','port':1}}}}]}"
          + " | probe or lifecycle host (container \"c\" uses probe or lifecycle hosts"
          + " \"10.0.0.1\", \"example.com\")"
  })
  void hostProbesAndHostLifecycle(String spec, String expected) {
    assertThat(verdict(new HostProbesAndHostLifecycle(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c','securityContext':{'allowPrivilegeEscalation':false}}]} | ",
      "{'os':{'name':'windows'},'containers':[{'name':'c'}]} | ",
      "{'containers':[{'name':'a'},{'name':'b','securityContext':"
          + "{'allowPrivilegeEscalation':true}}]} | allowPrivilegeEscalation != false (containers"
          + " \"a\", \"b\" must set securityContext.allowPrivilegeEscalation=false)"
  })
  void allowPrivilegeEscalation(String spec, String expected) {
    assertThat(verdict(new AllowPrivilegeEscalation(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'containers':[{'name':'c','securityContext':{'capabilities':{'drop':['ALL'],"
          + "'add':['NET_BIND_SERVICE']}}}]} | ",
      "{'containers':[{'name':'c'}]} | unrestricted capabilities (container \"c\" must set"
          + " securityContext.capabilities.drop=[\"ALL\"])",
      "{'containers':[{'name':'a','securityContext':{'capabilities':{'add':['CHOWN']}}},"
          + "{'name':'b','securityContext':{'capabilities':{'drop':['ALL'],'add':['SYS_TIME']}}}]}"
          + " | unrestricted capabilities (container \"a\" must set"
          + " securityContext.capabilities.drop=[\"ALL\"]; containers \"a\", \"b\" must not"
          + " include \"CHOWN\", \"SYS_TIME\" in securityContext.capabilities.add)"
  })
  void capabilitiesRestricted(String spec, String expected) {
    assertThat(verdict(new CapabilitiesRestricted(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'volumes':[{'name':'a','configMap':{'name':'x'}},{'name':'b','secret':{}},"
          + "{'name':'c','persistentVolumeClaim':{'claimName':'d'}},{'name':'e','projected':{}},"
          + "{'name':'f','emptyDir':{}},{'name':'g','downwardAPI':{}},{'name':'h'}]} | ",
      "{'volumes':[{'name':'h','hostPath':{'path':'/'}},{'name':'n','nfs':{'server':'s'}},"
          + "{'name':'x','madeUp':{}}]} | restricted volume types (volumes \"h\", \"n\", \"x\""
          + " use restricted volume types \"hostPath\", \"nfs\", \"unknown\")",
      "{'volumes':[{'name':'h','hostPath':{'path':'/'}}]} | restricted volume types (volume"
          + " \"h\" uses restricted volume type \"hostPath\")"
  })
  void restrictedVolumes(String spec, String expected) {
    assertThat(verdict(new RestrictedVolumes(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'securityContext':{'runAsNonRoot':true},'containers':[{'name':'c'}]} | ",
      "{'containers':[{'name':'c','securityContext':{'runAsNonRoot':true}}]} | ",
      "{'hostUsers':false,'containers':[{'name':'c'}]} | ",
      "{'containers':[{'name':'a'},{'name':'b'}]} | runAsNonRoot != true (pod or containers"
          + " \"a\", \"b\" must set securityContext.runAsNonRoot=true)",
      "{'securityContext':{'runAsNonRoot':false},'containers':[{'name':'a','securityContext':"
          + "{'runAsNonRoot':false}},{'name':'b'}]} | runAsNonRoot != true (pod and container"
          + " \"a\" must not set securityContext.runAsNonRoot=false)"
  })
  void runAsNonRoot(String spec, String expected) {
    assertThat(verdict(new RunAsNonRoot(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'securityContext':{'runAsUser':1000},'containers':[{'name':'c'}]} | ",
      "{'securityContext':{'runAsUser':0},'containers':[{'name':'c','securityContext':"
          + "{'runAsUser':0}}]} | runAsUser=0 (pod and container \"c\" must not set runAsUser=0)",
      "{'hostUsers':false,'securityContext':{'runAsUser':0}} | "
  })
  void runAsUser(String spec, String expected) {
    assertThat(verdict(new RunAsUser(), spec)).isEqualTo(orNothing(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'securityContext':{'seccompProfile':{'type':'RuntimeDefault'}},'containers':[{'name':'c'}]}"
          + " | ",
      "{'containers':[{'name':'c'}]} | seccompProfile (pod or container \"c\" must set"
          + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
      "{'containers':[{'name':'c','securityContext':{'seccompProfile':{'type':'Unconfined'}}},"
          + "{'name':'d'}]} | seccompProfile (container \"c\" must not set"
          + " securityContext.seccompProfile.type to \"Unconfined\")"
  })
  void seccompProfileRestricted(String spec, String expected) {
    assertThat(verdict(new SeccompProfileRestricted(), spec)).isEqualTo(orNothing(expected));
  }
}
