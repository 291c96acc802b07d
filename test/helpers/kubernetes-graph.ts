/**
 * Builders for small AKS estates in tests: Kubernetes nodes and edges written
 * as the model (src/model/kubernetes.ts) says the loader writes them, beside
 * Azure resources transformed from ARM (helpers/arm.ts).
 */
import { computeExposure, type ExposedAsset } from '../../src/analysis/exposure.js';
import { transformAzureResources } from '../../src/load/transform.js';
import type { GraphBatch, GraphEdge, GraphNode } from '../../src/model/graph.js';
import { kubernetesObjectId } from '../../src/model/ids.js';
import type {
  AgentPool,
  ContainerRecord,
  IngressRoute,
  LabelSelector,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  ServicePort,
} from '../../src/model/kubernetes.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { SUB } from './arm.js';

export const CLUSTER_ID = `/subscriptions/${SUB}/resourcegroups/rg-test/providers/microsoft.containerservice/managedclusters/aks`;

export const k8sId = (namespace: string | null, kind: string, name: string, clusterId = CLUSTER_ID) => kubernetesObjectId(clusterId, namespace, kind, name);

export interface PortSpec {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
}

/** A container running `repository` (registry and tag split off as the loader does). */
export function container(name: string, repository: string, ports: PortSpec[] = []): ContainerRecord {
  return {
    name,
    init: false,
    image: `example.azurecr.io/${repository}:1.0`,
    runningImage: null,
    registry: 'example.azurecr.io',
    repository,
    tag: '1.0',
    specDigest: null,
    runningDigest: null,
    runningDigestSource: null,
    ports: ports.map((port) => ({ name: port.name ?? null, containerPort: port.containerPort, protocol: port.protocol ?? 'TCP', hostPort: port.hostPort ?? null })),
    privileged: false,
    allowPrivilegeEscalation: null,
    runAsNonRoot: true,
    runAsUser: null,
    runsAsRoot: false,
    addedCapabilities: [],
    readOnlyRootFilesystem: null,
  };
}

export const selector = (matchLabels: Record<string, string> = {}, matchExpressions: LabelSelector['matchExpressions'] = []): LabelSelector => ({
  matchLabels,
  matchExpressions,
});

export const peer = (spec: Partial<NetworkPolicyPeer>): NetworkPolicyPeer => ({ podSelector: null, namespaceSelector: null, ipBlock: null, ...spec });
export const policyPort = (port: number | string | null, spec: Partial<NetworkPolicyPort> = {}): NetworkPolicyPort => ({ protocol: 'TCP', port, endPort: null, ...spec });

export interface ClusterSpec {
  id?: string;
  privateCluster?: boolean;
  authorizedIpRanges?: string[];
  networkPolicy?: string | null;
  agentPools?: Array<Partial<AgentPool> & { name: string }>;
  nodeResourceGroupId?: string | null;
}

export interface WorkloadSpec {
  labels: Record<string, string>;
  containers: ContainerRecord[];
  replicas?: number;
  kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  nodeName?: string;
  hostNetwork?: boolean;
  podIPs?: string[];
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  selector: Record<string, string>;
  ports: Array<Partial<ServicePort> & { port: number }>;
  internal?: boolean;
  sourceRanges?: string[];
  serviceTags?: string[];
  ips?: string[];
  externalTrafficPolicy?: 'Cluster' | 'Local';
}

/** One AKS cluster and its objects; `graph()` adds the Azure resources. */
export class ClusterBuilder {
  readonly id: string;
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly pods: Array<{ id: string; namespace: string; labels: Record<string, string> }> = [];

  constructor(spec: ClusterSpec = {}) {
    this.id = spec.id ?? CLUSTER_ID;
    this.nodes.push({
      id: this.id,
      kind: 'ManagedCluster',
      properties: {
        name: this.id.split('/').pop()!,
        kubernetesVersion: '1.30.3',
        privateCluster: spec.privateCluster ?? false,
        authorizedIpRanges: spec.authorizedIpRanges ?? [],
        apiServerFqdn: 'aks-dns-12345678.hcp.westeurope.azmk8s.io',
        networkPlugin: 'azure',
        networkPolicy: spec.networkPolicy === undefined ? null : spec.networkPolicy,
        nodeResourceGroupId: spec.nodeResourceGroupId ?? null,
        agentPools: JSON.stringify(
          (spec.agentPools ?? [{ name: 'nodepool1' }]).map((pool) => ({
            mode: 'System',
            count: 3,
            vmSize: 'Standard_D4s_v5',
            enableNodePublicIP: false,
            vnetSubnetId: null,
            ...pool,
          })),
        ),
      },
    });
  }

  private add(namespace: string | null, kind: GraphNode['kind'], idKind: string, name: string, properties: GraphNode['properties']): string {
    const id = k8sId(namespace, idKind, name, this.id);
    this.nodes.push({ id, kind, properties: { name, ...(namespace ? { namespace } : {}), ...properties } });
    return id;
  }

  namespace(name: string, labels: Record<string, string> = {}): string {
    return this.add(null, 'KubernetesNamespace', 'namespace', name, { labels: JSON.stringify(labels) });
  }

  /** A node; the loader writes `agentPool`, `scaleSetId`, `internalIPs`, `externalIPs` (pass them in `properties`). */
  node(name: string, labels: Record<string, string> = {}, properties: GraphNode['properties'] = {}): string {
    return this.add(null, 'KubernetesNode', 'node', name, { labels: JSON.stringify(labels), ...properties });
  }

  /** A bare pod (no owner) unless `owner` is given; returns its id. */
  pod(namespace: string, name: string, spec: Omit<WorkloadSpec, 'replicas' | 'kind'> & { owner?: string; phase?: string }): string {
    const id = this.add(namespace, 'KubernetesPod', 'pod', name, {
      labels: JSON.stringify(spec.labels),
      phase: spec.phase ?? 'Running',
      nodeName: spec.nodeName ?? null,
      hostNetwork: spec.hostNetwork ?? false,
      containers: JSON.stringify(spec.containers),
      ownerWorkloadId: spec.owner ?? null,
      podIPs: spec.podIPs ?? [],
      privileged: false,
      runsAsRoot: false,
    });
    if (spec.nodeName) this.edges.push({ source: id, target: k8sId(null, 'node', spec.nodeName, this.id), kind: 'RUNS_ON', properties: {} });
    this.pods.push({ id, namespace, labels: spec.labels });
    return id;
  }

  /** A Deployment (through a ReplicaSet) or another workload with its pods; returns the workload id. */
  workload(namespace: string, name: string, spec: WorkloadSpec): string {
    const kind = spec.kind ?? 'Deployment';
    const id = this.add(namespace, 'KubernetesWorkload', kind, name, {
      workloadKind: kind,
      replicas: spec.replicas ?? 1,
      labels: JSON.stringify(spec.labels),
      podTemplateLabels: JSON.stringify(spec.labels),
      selector: JSON.stringify(selector(spec.labels)),
      containers: JSON.stringify(spec.containers),
    });
    let parent = id;
    if (kind === 'Deployment') {
      parent = this.add(namespace, 'KubernetesWorkload', 'ReplicaSet', `${name}-5d9c7b`, {
        workloadKind: 'ReplicaSet',
        replicas: spec.replicas ?? 1,
        labels: JSON.stringify(spec.labels),
        podTemplateLabels: JSON.stringify(spec.labels),
        selector: JSON.stringify(selector(spec.labels)),
        containers: JSON.stringify(spec.containers),
      });
      this.edges.push({ source: id, target: parent, kind: 'OWNS', properties: {} });
    }
    for (let i = 0; i < (spec.replicas ?? 1); i += 1) {
      const podId = this.pod(namespace, `${name}-5d9c7b-${i}`, { ...spec, owner: id });
      this.edges.push({ source: parent, target: podId, kind: 'OWNS', properties: {} });
    }
    return id;
  }

  /** A service; SELECTS edges go to the pods its selector matches in its namespace. */
  service(namespace: string, name: string, spec: ServiceSpec): string {
    const ports: ServicePort[] = spec.ports.map((port) => ({
      name: port.name ?? null,
      protocol: port.protocol ?? 'TCP',
      port: port.port,
      targetPort: port.targetPort ?? port.port,
      nodePort: port.nodePort ?? null,
    }));
    const id = this.add(namespace, 'KubernetesService', 'service', name, {
      serviceType: spec.type ?? 'ClusterIP',
      selector: JSON.stringify(spec.selector),
      ports: JSON.stringify(ports),
      internal: spec.internal ?? false,
      loadBalancerSourceRanges: spec.sourceRanges ?? [],
      allowedServiceTags: spec.serviceTags ?? [],
      loadBalancerIPs: spec.ips ?? [],
      externalTrafficPolicy: spec.externalTrafficPolicy ?? 'Cluster',
    });
    const entries = Object.entries(spec.selector);
    for (const pod of this.pods) {
      if (pod.namespace === namespace && entries.length > 0 && entries.every(([key, value]) => pod.labels[key] === value)) {
        this.edges.push({ source: id, target: pod.id, kind: 'SELECTS', properties: {} });
      }
    }
    return id;
  }

  ingress(namespace: string, name: string, spec: { className?: string | null; routes: Array<Partial<IngressRoute> & { serviceName: string; servicePort: number | string }> }): string {
    return this.add(namespace, 'KubernetesIngress', 'ingress', name, {
      ingressClassName: spec.className ?? null,
      routes: JSON.stringify(spec.routes.map((route) => ({ host: route.host ?? null, path: route.path ?? '/', ...route }))),
      tlsHosts: [],
    });
  }

  ingressClass(name: string, controller: string, isDefault = false): string {
    return this.add(null, 'KubernetesIngressClass', 'ingressclass', name, { controller, isDefault });
  }

  networkPolicy(namespace: string, name: string, spec: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: Array<Partial<NetworkPolicyIngressRule>> }): string {
    return this.add(namespace, 'KubernetesNetworkPolicy', 'networkpolicy', name, {
      podSelector: JSON.stringify(spec.podSelector ?? selector()),
      policyTypes: spec.policyTypes ?? ['Ingress'],
      ingressRules: JSON.stringify((spec.ingress ?? []).map((rule) => ({ from: rule.from ?? [], ports: rule.ports ?? [] }))),
    });
  }

  /** The cluster's nodes and edges beside the transformed Azure resources. */
  graph(resources: ArmResource[] = []): GraphBatch {
    const { graph } = transformAzureResources(resources);
    return { nodes: [...graph.nodes, ...this.nodes], edges: [...graph.edges, ...this.edges] };
  }
}

export function exposureOfGraph(graph: GraphBatch): Map<string, ExposedAsset> {
  return new Map(computeExposure(graph).report.assets.map((asset) => [asset.id, asset]));
}

/** The upstream ingress-nginx controller's image repository. */
export const INGRESS_NGINX_IMAGE = 'ingress-nginx/controller';
