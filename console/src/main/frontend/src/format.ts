// What kubectl prints, computed the way kubectl computes it, so the console and the terminal
// agree on every word (pod status, node status and roles, ages).
import type { Condition, Endpoints, Event, LabelSelector, Node, Pod, Service, Workload } from './model';

/** kubectl's age ({@code k8s.io/apimachinery/pkg/util/duration.HumanDuration}). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

export function age(timestamp: string | undefined, now = Date.now()): string {
  return timestamp ? humanDuration(now - Date.parse(timestamp)) : '<unknown>';
}

/** The STATUS column of {@code kubectl get pods} (kubectl's printPod). */
export function podStatus(pod: Pod): string {
  const status = pod.status ?? {};
  let reason = status.reason || status.phase || '';
  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  const initCount = pod.spec?.initContainers?.length ?? inits.length;
  for (let i = 0; i < inits.length; i++) {
    const state = inits[i].state ?? {};
    if (state.terminated && state.terminated.exitCode === 0) continue;
    if (state.terminated) {
      reason = state.terminated.reason
        ? `Init:${state.terminated.reason}`
        : state.terminated.signal
          ? `Init:Signal:${state.terminated.signal}`
          : `Init:ExitCode:${state.terminated.exitCode}`;
    } else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const containers = status.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const state = containers[i].state ?? {};
      if (state.waiting?.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated?.reason) {
        reason = state.terminated.reason;
      } else if (state.terminated) {
        reason = state.terminated.signal ? `Signal:${state.terminated.signal}` : `ExitCode:${state.terminated.exitCode}`;
      } else if (containers[i].ready && state.running) {
        hasRunning = true;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) {
    reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  }
  return reason;
}

/** The READY column of {@code kubectl get pods}: ready containers / containers. */
export function podReady(pod: Pod): string {
  const containers = pod.status?.containerStatuses ?? [];
  const ready = containers.filter((c) => c.ready && c.state?.running).length;
  return `${ready}/${pod.spec?.containers.length ?? containers.length}`;
}

/** The RESTARTS column (without the "(5m ago)" suffix). */
export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
}

/** The STATUS column of {@code kubectl get nodes}. */
export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

export function nodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The ROLES column of {@code kubectl get nodes}. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) {
      roles.add(value);
    }
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

/** When an event last happened (core/v1 events carry lastTimestamp; events.k8s.io-made ones eventTime). */
export function lastSeen(event: Event): string | undefined {
  return event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
}

/** The PORT(S) column of {@code kubectl get services}: 80/TCP, 80:30080/TCP. */
export function servicePorts(service: Service): string {
  const ports = (service.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? ':' + p.nodePort : ''}/${p.protocol ?? 'TCP'}`);
  return ports.length ? ports.join(',') : '<none>';
}

/** The EXTERNAL-IP column of {@code kubectl get services}. */
export function serviceExternalIp(service: Service): string {
  const spec = service.spec ?? {};
  const ingress = (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '');
  const external = [...(spec.externalIPs ?? [])];
  switch (spec.type) {
    case 'ExternalName': return spec.externalName ?? '<none>';
    case 'LoadBalancer': {
      const all = [...ingress, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    default: return external.length ? external.join(',') : '<none>';
  }
}

/** The ENDPOINTS column of {@code kubectl get endpoints}: ip:port pairs, or <none>. */
export function endpointAddresses(endpoints: Endpoints | undefined): string[] {
  const pairs: string[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const ports = subset.ports?.length ? subset.ports : [undefined];
    for (const address of subset.addresses ?? []) {
      for (const port of ports) pairs.push(port ? `${address.ip}:${port.port}` : address.ip);
    }
  }
  return pairs;
}

/** A selector as kubectl prints it: a=b,c=d, or <none>. */
export function selectorText(selector: Record<string, string> | undefined): string {
  // labels.Set's String(): keys sorted
  const pairs = Object.entries(selector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.join(',') : '<none>';
}

/**
 * A workload's selector as `kubectl get -o wide` prints it: a LabelSelector as
 * metav1.FormatLabelSelector does (requirements sorted by key: a=b, a in (x,y), a notin (x), a,
 * !a), a ReplicationController's map of labels as a=b,c=d; <none> when it selects nothing.
 */
export function workloadSelectorText(selector: LabelSelector | Record<string, string> | undefined): string {
  if (!selector) return '<none>';
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  if (!isLabelSelector) return selectorText(selector as Record<string, string>);
  const { matchLabels, matchExpressions } = selector as LabelSelector;
  const requirements: [string, string][] = Object.entries(matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In': requirements.push([e.key, `${e.key} in (${values})`]); break;
      case 'NotIn': requirements.push([e.key, `${e.key} notin (${values})`]); break;
      case 'Exists': requirements.push([e.key, e.key]); break;
      case 'DoesNotExist': requirements.push([e.key, `!${e.key}`]); break;
      default: requirements.push([e.key, `${e.key} ${e.operator} (${values})`]);
    }
  }
  // a stable sort by key, as labels.Selector sorts its requirements
  requirements.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return requirements.length ? requirements.map(([, text]) => text).join(',') : '<none>';
}

function holds(conditions: Condition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** The STATUS column of {@code kubectl get jobs} (printJob). */
export function jobStatus(job: Workload): string {
  const conditions = job.status?.conditions;
  if (holds(conditions, 'Complete')) return 'Complete';
  if (holds(conditions, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (holds(conditions, 'Suspended')) return 'Suspended';
  if (holds(conditions, 'FailureTarget')) return 'FailureTarget';
  if (holds(conditions, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** The COMPLETIONS column of {@code kubectl get jobs}. */
export function jobCompletions(job: Workload): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined && job.spec.completions !== null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** The DURATION column of {@code kubectl get jobs}: start to completion, or to now while it runs. */
export function jobDuration(job: Workload, now = Date.now()): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - Date.parse(start));
}

const SUFFIXES: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A resource quantity ("250m", "4", "8Gi", "123456Ki", "1e3") as a number of units (cores, bytes); NaN if it is none. */
export function parseQuantity(quantity: string | undefined): number {
  const match = /^([+-]?[0-9.]+)(?:[eE]([+-]?\d+))?(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(quantity ?? '');
  if (!match) return NaN;
  return Number(match[1]) * 10 ** Number(match[2] ?? 0) * SUFFIXES[match[3] ?? ''];
}

/**
 * The CPU(cores) and CPU% columns of {@code kubectl top nodes}: usage in millicores, and its share
 * of the node's allocatable CPU ("250m (6%)"); {@code <unknown>} without a reading.
 */
export function cpuUse(usage: string | undefined, allocatable: string | undefined): string {
  const used = parseQuantity(usage);
  if (Number.isNaN(used)) return '<unknown>';
  const milli = Math.ceil(used * 1000);
  const total = parseQuantity(allocatable);
  // kubectl: usage.MilliValue() * 100 / allocatable.MilliValue(), in integers
  return total > 0 ? `${milli}m (${Math.floor(milli * 100 / Math.ceil(total * 1000))}%)` : `${milli}m`;
}

/** The MEMORY(bytes) and MEMORY% columns of {@code kubectl top nodes}: "1024Mi (12%)". */
export function memoryUse(usage: string | undefined, allocatable: string | undefined): string {
  const used = parseQuantity(usage);
  if (Number.isNaN(used)) return '<unknown>';
  const total = parseQuantity(allocatable);
  const mebibytes = `${Math.floor(used / 2 ** 20)}Mi`;
  return total > 0 ? `${mebibytes} (${Math.floor(used / total * 100)}%)` : mebibytes;
}
