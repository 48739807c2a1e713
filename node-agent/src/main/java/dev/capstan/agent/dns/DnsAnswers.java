package dev.capstan.agent.dns;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The cluster's names, answered as CoreDNS's kubernetes plugin answers them, from the Services
 * and Endpoints there are:
 *
 * <ul>
 *   <li>{@code <service>.<namespace>.svc.<domain>} A: the cluster IP; for a headless service,
 *       the ready endpoints' IPs; an ExternalName service: a CNAME to its external name;
 *   <li>{@code _<port>._<proto>.<service>.<namespace>.svc.<domain>} SRV: the named port, pointing
 *       at the service name (for a headless service, one record per ready endpoint, pointing at
 *       {@code <hostname or dashed IP>.<service>.<namespace>.svc.<domain>}, which answers A too);
 *   <li>{@code <a-b-c-d>.<namespace>.pod.<domain>} A: that address.
 * </ul>
 *
 * Other names in the domain do not exist (NXDOMAIN, with the domain's SOA); names outside it are
 * not this class's ({@link #answer} is empty, the server forwards them). Records live 5 s.
 */
final class DnsAnswers {

  private static final long TTL = 5;

  private final Name domain;
  private final SOARecord soa;

  DnsAnswers(String domain) {
    try {
      this.domain = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
      this.soa = new SOARecord(this.domain, DClass.IN, TTL,
          Name.fromString("ns.dns", this.domain), Name.fromString("hostmaster", this.domain),
          1, 7200, 1800, 86400, TTL);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS domain: " + domain, e);
    }
  }

  /** The answer to a query within the cluster domain; empty for names outside it. */
  Optional<Message> answer(Message query, Collection<Service> services,
      Collection<Endpoints> endpoints) {
    Record question = query.getQuestion();
    if (question == null) {
      return Optional.empty();
    }
    Name name = question.getName();
    if (!name.subdomain(domain)) {
      return Optional.empty();
    }
    Message response = responseTo(query);
    int type = question.getType();
    List<String> labels = relativeLabels(name);
    List<Record> answers = new ArrayList<>();
    List<Record> additional = new ArrayList<>();
    boolean exists = lookup(name, labels, type, services, endpoints, answers, additional);
    if (!exists) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
      response.addRecord(soa, Section.AUTHORITY);
    } else if (answers.isEmpty()) {
      response.addRecord(soa, Section.AUTHORITY);
    }
    answers.forEach(record -> response.addRecord(record, Section.ANSWER));
    additional.forEach(record -> response.addRecord(record, Section.ADDITIONAL));
    return Optional.of(response);
  }

  /** Fills in the records; false when the name does not exist at all. */
  private boolean lookup(Name name, List<String> labels, int type, Collection<Service> services,
      Collection<Endpoints> endpoints, List<Record> answers, List<Record> additional) {
    int size = labels.size();
    if (size == 3 && labels.get(2).equals("pod")) {
      Optional<InetAddress> ip = dashedAddress(labels.get(0));
      ip.filter(address -> type == Type.A || type == Type.ANY)
          .ifPresent(address -> answers.add(new ARecord(name, DClass.IN, TTL, address)));
      return ip.isPresent();
    }
    if (size < 3 || !labels.get(size - 1).equals("svc")) {
      return false;
    }
    String namespace = labels.get(size - 2);
    String serviceName = labels.get(size - 3);
    Optional<Service> service = services.stream()
        .filter(s -> namespace.equals(s.getMetadata().getNamespace())
            && serviceName.equals(s.getMetadata().getName()))
        .findFirst();
    if (service.isEmpty()) {
      return false;
    }
    Optional<Endpoints> serviceEndpoints = endpoints.stream()
        .filter(e -> namespace.equals(e.getMetadata().getNamespace())
            && serviceName.equals(e.getMetadata().getName()))
        .findFirst();
    Name serviceFqdn = child(serviceName + "." + namespace + ".svc");
    if (size == 3) {
      serviceRecords(service.get(), serviceEndpoints, name, type, answers);
      return true;
    }
    if (size == 4) {
      // <hostname>.<service>.<namespace>.svc: one endpoint of a headless service
      Optional<EndpointAddress> address = readyAddresses(serviceEndpoints).stream()
          .filter(a -> hostLabel(a).equals(labels.get(0)))
          .findFirst();
      address.filter(a -> type == Type.A || type == Type.ANY)
          .ifPresent(a -> answers.add(aRecord(name, a.getIp())));
      return address.isPresent();
    }
    if (size == 5 && labels.get(0).startsWith("_") && labels.get(1).startsWith("_")) {
      String portName = labels.get(0).substring(1);
      String protocol = labels.get(1).substring(1).toUpperCase(Locale.ROOT);
      Optional<ServicePort> port = Optional.ofNullable(service.get().getSpec().getPorts())
          .orElse(List.of()).stream()
          .filter(p -> portName.equals(p.getName())
              && protocol.equals(Objects.requireNonNullElse(p.getProtocol(), "TCP")))
          .findFirst();
      if (port.isEmpty()) {
        return false;
      }
      if (type != Type.SRV && type != Type.ANY) {
        return true;
      }
      if (headless(service.get())) {
        for (EndpointSubset subset : subsets(serviceEndpoints)) {
          Optional<EndpointPort> endpointPort = Optional.ofNullable(subset.getPorts())
              .orElse(List.of()).stream().filter(p -> portName.equals(p.getName())).findFirst();
          if (endpointPort.isEmpty() || subset.getAddresses() == null) {
            continue;
          }
          for (EndpointAddress address : subset.getAddresses()) {
            Name target = child(hostLabel(address) + "." + serviceName + "." + namespace
                + ".svc");
            answers.add(new SRVRecord(name, DClass.IN, TTL, 0, 100,
                endpointPort.get().getPort(), target));
            additional.add(aRecord(target, address.getIp()));
          }
        }
      } else {
        answers.add(new SRVRecord(name, DClass.IN, TTL, 0, 100, port.get().getPort(),
            serviceFqdn));
        serviceRecords(service.get(), serviceEndpoints, serviceFqdn, Type.A, additional);
      }
      return true;
    }
    return false;
  }

  private void serviceRecords(Service service, Optional<Endpoints> endpoints, Name name,
      int type, List<Record> records) {
    var spec = service.getSpec();
    if ("ExternalName".equals(spec.getType()) && spec.getExternalName() != null) {
      records.add(new CNAMERecord(name, DClass.IN, TTL, absolute(spec.getExternalName())));
      return;
    }
    if (type != Type.A && type != Type.ANY) {
      return;
    }
    if (headless(service)) {
      readyAddresses(endpoints).forEach(address -> records.add(aRecord(name, address.getIp())));
    } else if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
      records.add(aRecord(name, spec.getClusterIP()));
    }
  }

  private static boolean headless(Service service) {
    return "None".equals(service.getSpec().getClusterIP());
  }

  private static List<EndpointSubset> subsets(Optional<Endpoints> endpoints) {
    return endpoints.map(Endpoints::getSubsets).orElse(List.of());
  }

  private static List<EndpointAddress> readyAddresses(Optional<Endpoints> endpoints) {
    List<EndpointAddress> addresses = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (EndpointSubset subset : subsets(endpoints)) {
      for (EndpointAddress address : Optional.ofNullable(subset.getAddresses())
          .orElse(List.of())) {
        if (seen.add(address.getIp())) {
          addresses.add(address);
        }
      }
    }
    return addresses;
  }

  /** The endpoint's DNS label: its hostname, or its IP with dashes. */
  private static String hostLabel(EndpointAddress address) {
    return address.getHostname() != null && !address.getHostname().isEmpty()
        ? address.getHostname() : address.getIp().replace('.', '-');
  }

  private static Optional<InetAddress> dashedAddress(String label) {
    if (!label.matches("\\d{1,3}(-\\d{1,3}){3}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(label.replace('-', '.')));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private Record aRecord(Name name, String ip) {
    try {
      return new ARecord(name, DClass.IN, TTL, InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an IP address: " + ip, e);
    }
  }

  private List<String> relativeLabels(Name name) {
    List<String> labels = new ArrayList<>();
    int count = name.labels() - domain.labels();
    for (int i = 0; i < count; i++) {
      labels.add(name.getLabelString(i).toLowerCase(Locale.ROOT));
    }
    return labels;
  }

  private Name child(String relative) {
    try {
      return Name.concatenate(Name.fromString(relative), domain);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new IllegalStateException("not a DNS name: " + relative, e);
    }
  }

  private static Name absolute(String name) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalStateException("not a DNS name: " + name, e);
    }
  }

  /** An authoritative, recursion-available response with the query's id and question. */
  static Message responseTo(Message query) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    response.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    if (query.getQuestion() != null) {
      response.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return response;
  }
}
