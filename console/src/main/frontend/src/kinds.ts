// The kinds the console shows, with where the API serves each: one table, so a list, a detail
// page, an owner reference and an event's object all find the same page for the same kind.
import { href } from './route';

export interface Kind {
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  /** The resource's plural: also the console's route for it (#/deployments/ns/name). */
  resource: string;
  namespaced: boolean;
}

const KINDS: Kind[] = [
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', namespaced: true },
  { kind: 'Node', group: '', version: 'v1', resource: 'nodes', namespaced: false },
  { kind: 'Namespace', group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  { kind: 'Service', group: '', version: 'v1', resource: 'services', namespaced: true },
  { kind: 'Endpoints', group: '', version: 'v1', resource: 'endpoints', namespaced: true },
  { kind: 'ConfigMap', group: '', version: 'v1', resource: 'configmaps', namespaced: true },
  { kind: 'Secret', group: '', version: 'v1', resource: 'secrets', namespaced: true },
  { kind: 'Event', group: '', version: 'v1', resource: 'events', namespaced: true },
  { kind: 'ServiceAccount', group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  { kind: 'ReplicationController', group: '', version: 'v1', resource: 'replicationcontrollers', namespaced: true },
  { kind: 'PersistentVolumeClaim', group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  { kind: 'ControllerRevision', group: 'apps', version: 'v1', resource: 'controllerrevisions', namespaced: true },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  { kind: 'Job', group: 'batch', version: 'v1', resource: 'jobs', namespaced: true },
  { kind: 'CronJob', group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true },
];

export function kindOfResource(resource: string): Kind | undefined {
  return KINDS.find((k) => k.resource === resource);
}

/** The kind an owner reference or an event's involvedObject names (apiVersion is "group/version" or "v1"). */
export function kindNamed(kind: string | undefined, apiVersion?: string): Kind | undefined {
  const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : '';
  return KINDS.find((k) => k.kind === kind && (apiVersion === undefined || k.group === group));
}

export function apiVersionOf(kind: Kind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** The collection's path: in one namespace, or across all ('' = all, or a cluster-scoped kind). */
export function collectionPath(kind: Kind, namespace: string): string {
  const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  return kind.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.resource}` : `${base}/${kind.resource}`;
}

/** The console page of one object. */
export function objectHref(kind: Kind, namespace: string | undefined, name: string): string {
  return kind.namespaced ? href(kind.resource, namespace ?? '', name) : href(kind.resource, name);
}

/** How the API names a resource in its messages ("deployments.apps"). */
export function qualifiedResource(kind: Kind): string {
  return kind.group ? `${kind.resource}.${kind.group}` : kind.resource;
}
