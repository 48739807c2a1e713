package dev.capstan.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsAnswersTest {

  private final DnsAnswers answers = new DnsAnswers("cluster.local");

  private static final Service NODE_JS = new ServiceBuilder().withNewMetadata()
      .withNamespace("web").withName("node-js").endMetadata().withNewSpec()
      .withClusterIP("10.96.0.12").addNewPort().withName("http").withPort(80)
      .withProtocol("TCP").endPort().endSpec().build();
  private static final Service HEADLESS = new ServiceBuilder().withNewMetadata()
      .withNamespace("web").withName("db").endMetadata().withNewSpec().withClusterIP("None")
      .addNewPort().withName("pg").withPort(5432).withProtocol("TCP").endPort().endSpec().build();
  private static final Service EXTERNAL = new ServiceBuilder().withNewMetadata()
      .withNamespace("web").withName("mail").endMetadata().withNewSpec().withType("ExternalName")
      .withExternalName("smtp.example.com").endSpec().build();
  private static final Endpoints DB = new EndpointsBuilder().withNewMetadata()
      .withNamespace("web").withName("db").endMetadata().addNewSubset()
      .addNewAddress().withIp("172.17.0.5").withHostname("db-0").endAddress()
      .addNewAddress().withIp("172.17.0.6").endAddress()
      .addNewPort().withName("pg").withPort(5432).withProtocol("TCP").endPort().endSubset().build();

  private Optional<Message> ask(String name, int type) throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    return answers.answer(query, List.of(NODE_JS, HEADLESS, EXTERNAL), List.of(DB));
  }

  private static List<String> records(Message message, int section) {
    return message.getSection(section).stream().map(Record::rdataToString).toList();
  }

  @Test
  void aServiceNameIsItsClusterIp() throws Exception {
    Message answer = ask("node-js.web.svc.cluster.local.", Type.A).orElseThrow();
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(records(answer, Section.ANSWER)).containsExactly("10.96.0.12");
    assertThat(answer.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(5);
  }

  @Test
  void aHeadlessServiceNameIsItsReadyPodsAndEachHasANameOfItsOwn() throws Exception {
    assertThat(records(ask("db.web.svc.cluster.local.", Type.A).orElseThrow(), Section.ANSWER))
        .containsExactlyInAnyOrder("172.17.0.5", "172.17.0.6");
    assertThat(records(ask("db-0.db.web.svc.cluster.local.", Type.A).orElseThrow(),
        Section.ANSWER)).containsExactly("172.17.0.5");
    assertThat(records(ask("172-17-0-6.db.web.svc.cluster.local.", Type.A).orElseThrow(),
        Section.ANSWER)).containsExactly("172.17.0.6");
  }

  @Test
  void namedPortsHaveSrvRecords() throws Exception {
    Message answer = ask("_http._tcp.node-js.web.svc.cluster.local.", Type.SRV).orElseThrow();
    assertThat(records(answer, Section.ANSWER))
        .containsExactly("0 100 80 node-js.web.svc.cluster.local.");
    assertThat(records(answer, Section.ADDITIONAL)).containsExactly("10.96.0.12");

    assertThat(records(ask("_pg._tcp.db.web.svc.cluster.local.", Type.SRV).orElseThrow(),
        Section.ANSWER)).containsExactlyInAnyOrder(
        "0 100 5432 db-0.db.web.svc.cluster.local.",
        "0 100 5432 172-17-0-6.db.web.svc.cluster.local.");
  }

  @Test
  void anExternalNameServiceIsACname() throws Exception {
    assertThat(records(ask("mail.web.svc.cluster.local.", Type.A).orElseThrow(),
        Section.ANSWER)).containsExactly("smtp.example.com.");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "nope.web.svc.cluster.local.",
      "node-js.other.svc.cluster.local.",
      "web.svc.cluster.local.",
      "_nope._tcp.node-js.web.svc.cluster.local.",
      "x.y.z.cluster.local."})
  void namesThatDoNotExistInTheDomainAreNxdomainWithItsSoa(String name) throws Exception {
    Message answer = ask(name, Type.A).orElseThrow();
    assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(answer.getSection(Section.AUTHORITY)).singleElement()
        .satisfies(soa -> assertThat(soa.getType()).isEqualTo(Type.SOA));
  }

  @Test
  void anExistingNameWithoutRecordsOfTheTypeIsAnEmptyAnswer() throws Exception {
    Message answer = ask("node-js.web.svc.cluster.local.", Type.AAAA).orElseThrow();
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void podNamesAreTheirDashedAddresses() throws Exception {
    assertThat(records(ask("172-17-0-9.web.pod.cluster.local.", Type.A).orElseThrow(),
        Section.ANSWER)).containsExactly("172.17.0.9");
  }

  @Test
  void namesOutsideTheClusterDomainAreLeftToUpstream() throws Exception {
    assertThat(ask("example.com.", Type.A)).isEmpty();
  }
}
