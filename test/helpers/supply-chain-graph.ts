/**
 * Builders for small Kubernetes graphs as the loader writes them (model/kubernetes.ts):
 * an AKS cluster, workloads with pod templates, pods with decoded containers and
 * RUNS_IMAGE edges, Azure Container Registries; plus hand-made exposure entries.
 */
import type { ExposedAsset, ExposedPort, ExposureReport } from '../../src/analysis/exposure.js';
import type { GraphBatch, GraphEdge, GraphNode } from '../../src/model/graph.js';
import { containerImageId, kubernetesObjectId, normalizeId } from '../../src/model/ids.js';
import type { ContainerRecord } from '../../src/model/kubernetes.js';

export const SUB = '00000000-0000-0000-0000-00000000c0de';
export const RG = `/subscriptions/${SUB}/resourcegroups/rg-aks`;

/** A sha256 digest made of one repeated hex character, e.g. digest('a'). */
export const digest = (char: string) => `sha256:${char.repeat(64)}`;

export const clusterId = (name: string) => normalizeId(`${RG}/providers/Microsoft.ContainerService/managedClusters/${name}`);
export const workloadId = (cluster: string, namespace: string, kind: string, name: string) => kubernetesObjectId(clusterId(cluster), namespace, kind, name);
export const podId = (cluster: string, namespace: string, name: string) => kubernetesObjectId(clusterId(cluster), namespace, 'pod', name);

/** A container as the loader parses it; `image` drives registry, repository, tag and specDigest unless given. */
export function container(name: string, image: string, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  const at = image.indexOf('@');
  const specDigest = at >= 0 ? image.slice(at + 1) : null;
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const path = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : specDigest ? null : 'latest';
  const slash = path.indexOf('/');
  const first = slash >= 0 ? path.slice(0, slash) : '';
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? path.slice(slash + 1) : path;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return {
    name,
    init: false,
    image,
    runningImage: null,
    registry,
    repository,
    tag,
    specDigest,
    runningDigest: null,
    runningDigestSource: null,
    ports: [],
    privileged: false,
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    runAsUser: 1000,
    runsAsRoot: false,
    addedCapabilities: [],
    readOnlyRootFilesystem: true,
    ...extra,
  };
}

/**
 * The same container as a pod's status shows it running `runningDigest`: from the registry
 * unless said otherwise (`spec`: the imageID was a local id and the spec's pin stands in;
 * `image-id`: only the local id is known). The loader writes runningImage with the spec's name in every case.
 */
export function running(record: ContainerRecord, runningDigest: string, source: ContainerRecord['runningDigestSource'] = 'repository'): ContainerRecord {
  return {
    ...record,
    runningImage: `${record.registry}/${record.repository}@${runningDigest}`,
    runningDigest,
    runningDigestSource: source,
  };
}

export interface WorkloadSpec {
  cluster: string;
  namespace: string;
  kind?: string;
  name: string;
  replicas?: number | null;
  containers: ContainerRecord[];
}

export interface PodSpec {
  cluster: string;
  namespace: string;
  name: string;
  /** The owning workload's id; omitted for a bare pod. */
  owner?: string;
  containers: ContainerRecord[];
  phase?: string;
  hostNetwork?: boolean;
  hostPathVolumes?: string[];
}

export class SupplyChainGraph {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges: GraphEdge[] = [];

  cluster(name: string): string {
    const id = clusterId(name);
    this.nodes.set(id, {
      id,
      kind: 'ManagedCluster',
      properties: { name, armType: 'microsoft.containerservice/managedclusters', subscriptionId: SUB, resourceGroup: 'rg-aks', location: 'westeurope', tags: [] },
    });
    return id;
  }

  /** An Azure Container Registry as a generic AzureResource; `loginServer` only when the loader keeps it. */
  acr(name: string, loginServer?: string): string {
    const id = normalizeId(`${RG}/providers/Microsoft.ContainerRegistry/registries/${name}`);
    this.nodes.set(id, {
      id,
      kind: 'AzureResource',
      properties: { name, armType: 'microsoft.containerregistry/registries', subscriptionId: SUB, resourceGroup: 'rg-aks', ...(loginServer ? { loginServer } : {}) },
    });
    return id;
  }

  workload(spec: WorkloadSpec): string {
    const kind = spec.kind ?? 'Deployment';
    const id = workloadId(spec.cluster, spec.namespace, kind, spec.name);
    this.nodes.set(id, {
      id,
      kind: 'KubernetesWorkload',
      properties: {
        name: spec.name,
        namespace: spec.namespace,
        workloadKind: kind,
        replicas: spec.replicas === undefined ? 1 : spec.replicas,
        labels: JSON.stringify({ app: spec.name }),
        podTemplateLabels: JSON.stringify({ app: spec.name }),
        selector: JSON.stringify({ matchLabels: { app: spec.name }, matchExpressions: [] }),
        containers: JSON.stringify(spec.containers.map((record) => ({ ...record, runningImage: null, runningDigest: null, runningDigestSource: null }))),
        hostNetwork: false,
        privileged: spec.containers.some((record) => record.privileged),
        runsAsRoot: spec.containers.some((record) => record.runsAsRoot),
      },
    });
    return id;
  }

  pod(spec: PodSpec): string {
    const id = podId(spec.cluster, spec.namespace, spec.name);
    this.nodes.set(id, {
      id,
      kind: 'KubernetesPod',
      properties: {
        name: spec.name,
        namespace: spec.namespace,
        labels: JSON.stringify({}),
        phase: spec.phase ?? 'Running',
        nodeName: 'aks-nodepool1-0',
        serviceAccountName: 'default',
        hostNetwork: spec.hostNetwork ?? false,
        hostPID: false,
        hostIPC: false,
        hostPathVolumes: spec.hostPathVolumes ?? [],
        automountServiceAccountToken: null,
        privileged: spec.containers.some((record) => record.privileged),
        runsAsRoot: spec.containers.some((record) => record.runsAsRoot),
        containers: JSON.stringify(spec.containers),
        ownerWorkloadId: spec.owner ?? null,
        podIPs: ['10.244.0.10'],
      },
    });
    if (spec.owner) this.edges.push({ source: spec.owner, target: id, kind: 'OWNS', properties: {} });
    for (const record of spec.containers) {
      if (!record.runningDigest || record.runningDigestSource === 'image-id') continue;
      const imageId = containerImageId(record.registry, record.repository, record.runningDigest);
      this.nodes.set(imageId, { id: imageId, kind: 'ContainerImage', properties: { registry: record.registry, repository: record.repository, digest: record.runningDigest } });
      this.edges.push({
        source: id,
        target: imageId,
        kind: 'RUNS_IMAGE',
        properties: { container: record.name, imageRef: record.image, tag: record.tag, digestPinned: record.specDigest !== null },
      });
    }
    return id;
  }

  /** A workload with `pods` running pods, each running every template container at `digests[container name]`. */
  deployment(spec: WorkloadSpec & { pods?: number; digests: Record<string, string>; hostNetwork?: boolean; hostPathVolumes?: string[] }): string {
    const id = this.workload(spec);
    const count = spec.pods ?? (typeof spec.replicas === 'number' ? spec.replicas : 1);
    for (let index = 0; index < count; index += 1) {
      this.pod({
        cluster: spec.cluster,
        namespace: spec.namespace,
        name: `${spec.name}-${index}`,
        owner: id,
        containers: spec.containers.map((record) => (spec.digests[record.name] ? running(record, spec.digests[record.name]!) : record)),
        hostNetwork: spec.hostNetwork ?? false,
        hostPathVolumes: spec.hostPathVolumes ?? [],
      });
    }
    return id;
  }

  graph(): GraphBatch {
    return { nodes: [...this.nodes.values()], edges: [...this.edges] };
  }
}

/** An exposure entry for a Kubernetes workload, shaped like the exposure engineer's output. */
export function exposedWorkload(id: string, width: 'wide' | 'narrow', ports: ExposedPort[], path: string[] = ['internet', id]): ExposedAsset {
  return {
    id,
    kind: 'KubernetesWorkload',
    width,
    ports,
    path,
    name: id.split('/').pop() ?? id,
    entryPoints: [],
  };
}

export function exposure(...assets: ExposedAsset[]): ExposureReport {
  return { assets: [...assets].sort((a, b) => a.id.localeCompare(b.id)) };
}

export const tcp = (from: number, to = from): ExposedPort => ({ protocol: 'tcp', from, to });
