// The few shapes of Kubernetes objects the console reads. Fields are optional as the API may
// omit them; views never assume presence.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid: string; controller?: boolean }[];
  managedFields?: unknown[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface List<T> {
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[]; podCIDR?: string };
  status?: {
    conditions?: Condition[];
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; containerRuntimeVersion?: string; kernelVersion?: string };
  };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; message?: string };
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Pod extends KubeObject {
  spec?: { nodeName?: string; containers: { name: string; image?: string }[]; initContainers?: { name: string }[] };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: { name?: string; image?: string }[]; nodeSelector?: Record<string, string> };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Workload extends KubeObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    /** A LabelSelector; a ReplicationController's is a plain map of labels. */
    selector?: LabelSelector | Record<string, string>;
    template?: PodTemplate;
    /** A DaemonSet's or a Job's template node selector lives in template.spec; a CronJob's job in jobTemplate. */
    jobTemplate?: { spec?: { template?: PodTemplate } };
    schedule?: string;
    timeZone?: string;
    suspend?: boolean;
    completions?: number;
    parallelism?: number;
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    currentNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    succeeded?: number;
    failed?: number;
    active?: number | { name: string }[];
    startTime?: string;
    completionTime?: string;
    lastScheduleTime?: string;
    conditions?: Condition[];
  };
}

export interface Event extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; apiVersion?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    externalIPs?: string[];
    externalName?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
    sessionAffinity?: string;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface Endpoints extends KubeObject {
  subsets?: {
    addresses?: { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }[];
    notReadyAddresses?: { ip: string }[];
    ports?: { name?: string; port: number; protocol?: string }[];
  }[];
}

/** A ConfigMap or a Secret: named pieces of data (a Secret's base64-encoded). */
export interface DataObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}
