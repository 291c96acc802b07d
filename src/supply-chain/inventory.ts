/**
 * What the supply-chain reports read from the graph: AKS clusters, Kubernetes
 * workloads and pods with their decoded containers (model/kubernetes.ts), the
 * container registries of the snapshot, and the attack paths written by
 * analysis. Pure: no store, no exposure.
 */
import type { ExposedAsset, ExposedPort, ExposureReport } from '../analysis/exposure.js';
import { mergePorts } from '../analysis/exposure.js';
import type { Width } from '../analysis/reach.js';
import type { GraphBatch, GraphNode, PropertyValue } from '../model/graph.js';
import { subscriptionIdOf } from '../model/ids.js';
import type { ContainerPort, ContainerRecord } from '../model/kubernetes.js';
import { normalizeDigest } from './image-ref.js';

export interface ClusterInfo {
  /** The ManagedCluster id (lowercased ARM id); '' when a Kubernetes id names no cluster. */
  id: string;
  name: string;
  subscriptionId: string | null;
}

export interface PodInfo {
  id: string;
  name: string;
  namespace: string;
  phase: string | null;
  hostNetwork: boolean;
  hostPathVolumes: string[];
  containers: ContainerRecord[];
  /** The workload the pod is reported under: its top owner, or the pod itself when bare. */
  workloadId: string;
}

export interface WorkloadInfo {
  /** The KubernetesWorkload id, or the pod id of a bare pod. */
  id: string;
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob — or `Pod` for a pod without owner. */
  workloadKind: string;
  name: string;
  namespace: string;
  /** Desired replicas from the spec; null when the spec does not say (DaemonSet, bare pod, workload not in the graph). */
  replicas: number | null;
  cluster: ClusterInfo;
  /** The pod template's containers (runningImage null); for a bare pod, its own containers. */
  containers: ContainerRecord[];
  hostNetwork: boolean;
  hostPathVolumes: string[];
  /**
   * The workload that owns this one (a Deployment's ReplicaSet, a CronJob's Job), from OWNS edges.
   * Pods are reported under their top owner, so an owned workload holds no pods and its
   * template is rollout history or a copy of its owner's.
   */
  ownedBy: string | null;
  pods: PodInfo[];
}

export interface ContainerRegistryInfo {
  id: string;
  name: string;
  /** `properties.loginServer` when the loader kept it, else `<name>.azurecr.io` (public Azure cloud). */
  loginServer: string;
  loginServerDerived: boolean;
}

export interface Inventory {
  workloads: Map<string, WorkloadInfo>;
  registries: ContainerRegistryInfo[];
  /** Attack-path ids by the workload they start at (STARTS_AT), when analysis has written them. */
  attackPathsByEntry: Map<string, string[]>;
}

export const CONTAINER_REGISTRY_ARM_TYPE = 'microsoft.containerregistry/registries';

/** Lowercase kinds as they appear in Kubernetes ids (ids.ts) → the workloadKind spelling. */
const WORKLOAD_KIND_BY_ID_SEGMENT: Readonly<Record<string, string>> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  replicaset: 'ReplicaSet',
  job: 'Job',
  cronjob: 'CronJob',
  pod: 'Pod',
};

function str(value: PropertyValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function bool(value: unknown): boolean {
  return value === true || value === 'true';
}

function nullableBool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A JSON property (kinds.ts JsonProperties) decoded; tolerates a value some store already decoded. */
function jsonProperty(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

const DIGEST_SOURCES = ['repository', 'spec', 'image-id'] as const;

/** One ContainerRecord, read defensively: a missing field gets its neutral value, never a guess that raises severity. */
function toContainer(raw: unknown): ContainerRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const record = raw as Record<string, unknown>;
  const image = typeof record.image === 'string' ? record.image : '';
  const name = typeof record.name === 'string' ? record.name : image;
  if (!name && !image) return null;
  const runAsUser = typeof record.runAsUser === 'number' ? record.runAsUser : null;
  const runAsNonRoot = nullableBool(record.runAsNonRoot);
  const runningDigest = normalizeDigest(typeof record.runningDigest === 'string' ? record.runningDigest : null);
  return {
    name,
    init: bool(record.init),
    image,
    runningImage: typeof record.runningImage === 'string' && record.runningImage !== '' ? record.runningImage : null,
    registry: typeof record.registry === 'string' ? record.registry.toLowerCase() : '',
    repository: typeof record.repository === 'string' ? record.repository.toLowerCase() : '',
    tag: typeof record.tag === 'string' && record.tag !== '' ? record.tag : null,
    specDigest: normalizeDigest(typeof record.specDigest === 'string' ? record.specDigest : null),
    runningDigest,
    runningDigestSource: runningDigest === null ? null : (DIGEST_SOURCES.find((source) => source === record.runningDigestSource) ?? 'repository'),
    ports: Array.isArray(record.ports) ? (record.ports as ContainerPort[]) : [],
    privileged: bool(record.privileged),
    allowPrivilegeEscalation: nullableBool(record.allowPrivilegeEscalation),
    runAsNonRoot,
    runAsUser,
    runsAsRoot: typeof record.runsAsRoot === 'boolean' ? record.runsAsRoot : runAsUser === 0 || (runAsNonRoot !== true && !(runAsUser !== null && runAsUser > 0)),
    addedCapabilities: strings(record.addedCapabilities),
    readOnlyRootFilesystem: nullableBool(record.readOnlyRootFilesystem),
  };
}

export function containersOf(node: GraphNode): ContainerRecord[] {
  const decoded = jsonProperty(node.properties.containers);
  if (!Array.isArray(decoded)) return [];
  return decoded.map(toContainer).filter((container): container is ContainerRecord => container !== null);
}

/** `<cluster id>/k8s/<namespace>/<kind>/<name>` → its parts (ids.ts kubernetesObjectId). */
export function parseKubernetesId(id: string): { clusterId: string; namespace: string; kind: string; name: string } | null {
  const at = id.lastIndexOf('/k8s/');
  if (at < 0) return null;
  const [namespace, kind, ...name] = id.slice(at + 5).split('/');
  if (!namespace || !kind || name.length === 0) return null;
  return { clusterId: id.slice(0, at), namespace, kind, name: name.join('/') };
}

/** Reads clusters, workloads, pods, registries and attack paths out of a graph. */
export function readInventory(graph: GraphBatch): Inventory {
  const clusters = new Map<string, ClusterInfo>();
  const workloadNodes: GraphNode[] = [];
  const podNodes: GraphNode[] = [];
  const registries: ContainerRegistryInfo[] = [];
  for (const node of graph.nodes) {
    if (node.kind === 'ManagedCluster') {
      clusters.set(node.id, {
        id: node.id,
        name: str(node.properties.name) ?? node.id.split('/').pop() ?? node.id,
        subscriptionId: str(node.properties.subscriptionId) ?? subscriptionIdOf(node.id) ?? null,
      });
    } else if (node.kind === 'KubernetesWorkload') workloadNodes.push(node);
    else if (node.kind === 'KubernetesPod') podNodes.push(node);
    else if (str(node.properties.armType) === CONTAINER_REGISTRY_ARM_TYPE) {
      const name = str(node.properties.name) ?? node.id.split('/').pop() ?? node.id;
      const loginServer = str(node.properties.loginServer);
      registries.push({
        id: node.id,
        name,
        loginServer: (loginServer ?? `${name}.azurecr.io`).toLowerCase(),
        loginServerDerived: loginServer === null,
      });
    }
  }

  const clusterOf = (clusterId: string): ClusterInfo => {
    const known = clusters.get(clusterId);
    if (known) return known;
    const cluster = { id: clusterId, name: clusterId.split('/').pop() || '(unknown cluster)', subscriptionId: subscriptionIdOf(clusterId) ?? null };
    clusters.set(clusterId, cluster);
    return cluster;
  };

  const workloads = new Map<string, WorkloadInfo>();
  const fromId = (id: string, fallbackKind: string): WorkloadInfo => {
    const parsed = parseKubernetesId(id);
    return {
      id,
      workloadKind: WORKLOAD_KIND_BY_ID_SEGMENT[parsed?.kind ?? ''] ?? fallbackKind,
      name: parsed?.name ?? id,
      namespace: parsed?.namespace ?? '',
      replicas: null,
      cluster: clusterOf(parsed?.clusterId ?? ''),
      containers: [],
      hostNetwork: false,
      hostPathVolumes: [],
      ownedBy: null,
      pods: [],
    };
  };

  const workloadIds = new Set(workloadNodes.map((node) => node.id));
  const ownerOf = new Map<string, string>();
  for (const edge of graph.edges) {
    if (edge.kind === 'OWNS' && workloadIds.has(edge.source) && workloadIds.has(edge.target)) ownerOf.set(edge.target, edge.source);
  }

  for (const node of workloadNodes) {
    const base = fromId(node.id, 'Workload');
    const replicas = node.properties.replicas;
    workloads.set(node.id, {
      ...base,
      workloadKind: str(node.properties.workloadKind) ?? base.workloadKind,
      name: str(node.properties.name) ?? base.name,
      namespace: str(node.properties.namespace) ?? base.namespace,
      replicas: typeof replicas === 'number' && Number.isFinite(replicas) ? replicas : null,
      containers: containersOf(node),
      hostNetwork: bool(node.properties.hostNetwork),
      hostPathVolumes: strings(node.properties.hostPathVolumes),
      ownedBy: ownerOf.get(node.id) ?? null,
    });
  }

  for (const node of podNodes) {
    const owner = str(node.properties.ownerWorkloadId);
    const ownerId = owner ? normalizeOwnerId(owner, node.id) : null;
    const parsed = parseKubernetesId(node.id);
    const pod: PodInfo = {
      id: node.id,
      name: str(node.properties.name) ?? parsed?.name ?? node.id,
      namespace: str(node.properties.namespace) ?? parsed?.namespace ?? '',
      phase: str(node.properties.phase),
      hostNetwork: bool(node.properties.hostNetwork),
      hostPathVolumes: strings(node.properties.hostPathVolumes),
      containers: containersOf(node),
      workloadId: ownerId ?? node.id,
    };
    let workload = workloads.get(pod.workloadId);
    if (!workload) {
      // A bare pod is its own workload; an owner the graph lacks is rebuilt from its id.
      workload = ownerId
        ? fromId(ownerId, 'Workload')
        : {
            ...fromId(node.id, 'Pod'),
            workloadKind: 'Pod',
            name: pod.name,
            namespace: pod.namespace,
            containers: pod.containers,
            hostNetwork: pod.hostNetwork,
            hostPathVolumes: pod.hostPathVolumes,
          };
      workloads.set(pod.workloadId, workload);
    }
    workload.pods.push(pod);
  }
  for (const workload of workloads.values()) workload.pods.sort((a, b) => a.id.localeCompare(b.id));

  const attackPathsByEntry = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.kind !== 'STARTS_AT') continue;
    const list = attackPathsByEntry.get(edge.target) ?? [];
    list.push(edge.source);
    attackPathsByEntry.set(edge.target, list);
  }
  for (const list of attackPathsByEntry.values()) list.sort();
  registries.sort((a, b) => a.loginServer.localeCompare(b.loginServer));
  return { workloads, registries, attackPathsByEntry };
}

/** Owner ids are ids of the same graph; tolerate one written relative to the pod's cluster (`<namespace>/<kind>/<name>`). */
function normalizeOwnerId(owner: string, podId: string): string {
  if (owner.startsWith('/') || owner.includes('/k8s/')) return owner;
  const parsed = parseKubernetesId(podId);
  return parsed ? `${parsed.clusterId}/k8s/${owner}` : owner;
}

/** Exposure of one workload as the supply-chain reports carry it. */
export interface WorkloadExposure {
  width: Width;
  ports: ExposedPort[];
  /** The exposure path: node ids from `internet` to the workload (ExposedAsset.path). */
  pathIds: string[];
  /** Ids of the attack paths analysis found from this workload (empty until `recompute` has run). */
  attackPathIds: string[];
}

export function exposureIndex(report: ExposureReport): Map<string, ExposedAsset> {
  return new Map(report.assets.map((asset) => [asset.id, asset]));
}

export function workloadExposure(workloadId: string, assets: Map<string, ExposedAsset>, inventory: Inventory): WorkloadExposure | null {
  const asset = assets.get(workloadId);
  if (!asset) return null;
  return {
    width: asset.width,
    ports: asset.ports.map(({ protocol, from, to }) => ({ protocol, from, to })),
    pathIds: [...asset.path],
    attackPathIds: [...(inventory.attackPathsByEntry.get(workloadId) ?? [])],
  };
}

/** Several locations' exposure folded into one: wide wins, ports merged, the path of the widest (first) location. */
export function combineExposure(exposures: ReadonlyArray<WorkloadExposure | null>): WorkloadExposure | null {
  const present = exposures.filter((exposure): exposure is WorkloadExposure => exposure !== null);
  if (present.length === 0) return null;
  const widest = present.find((exposure) => exposure.width === 'wide') ?? present[0]!;
  return {
    width: widest.width,
    ports: mergePorts(present.flatMap((exposure) => exposure.ports)),
    pathIds: widest.pathIds,
    attackPathIds: [...new Set(present.flatMap((exposure) => exposure.attackPathIds))].sort(),
  };
}
