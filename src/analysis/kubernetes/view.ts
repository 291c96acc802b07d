/**
 * A typed, indexed view of the AKS and Kubernetes part of the graph, decoded
 * once from the flat and JSON node properties the loader writes (see
 * src/model/kubernetes.ts). Decoding is tolerant of absent optional fields:
 * a selector without `matchExpressions`, a container without `ports`.
 */
import type { GraphBatch, GraphNode, Properties } from '../../model/graph.js';
import { kubernetesObjectId, normalizeId } from '../../model/ids.js';
import type {
  AgentPool,
  ContainerPort,
  ContainerRecord,
  IngressRoute,
  LabelSelector,
  NetworkPolicyIngressRule,
  ServicePort,
} from '../../model/kubernetes.js';
import { AnalysisInputError } from '../network-view.js';

export type Labels = Record<string, string>;

export interface ClusterView {
  id: string;
  privateCluster: boolean;
  authorizedIpRanges: string[];
  apiServerFqdn: string | null;
  /** null when no network policy engine enforces policies (absent, empty or 'none'). */
  networkPolicy: string | null;
  agentPools: AgentPool[];
  nodeResourceGroupId: string | null;
}

export interface PodView {
  id: string;
  clusterId: string;
  namespace: string;
  name: string;
  labels: Labels;
  /** Init containers excluded: they do not serve traffic. */
  containers: ContainerRecord[];
  ownerWorkloadId: string | null;
  phase: string | null;
  /** The KubernetesNode it runs on (RUNS_ON edge, else derived from `nodeName`). */
  nodeId: string | null;
  nodeName: string | null;
  hostNetwork: boolean;
  podIPs: string[];
}

export interface ServiceView {
  id: string;
  clusterId: string;
  namespace: string;
  name: string;
  serviceType: string;
  selector: Labels;
  ports: ServicePort[];
  internal: boolean;
  loadBalancerSourceRanges: string[];
  allowedServiceTags: string[];
  loadBalancerIPs: string[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** Pods it selects: SELECTS edges united with its selector matched in its namespace. */
  podIds: string[];
}

export interface IngressView {
  id: string;
  clusterId: string;
  namespace: string;
  className: string | null;
  routes: IngressRoute[];
}

export interface IngressClassView {
  id: string;
  clusterId: string;
  name: string;
  controller: string | null;
  isDefault: boolean;
}

export interface NetworkPolicyView {
  id: string;
  clusterId: string;
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  policyTypes: string[];
  ingressRules: NetworkPolicyIngressRule[];
}

export interface NodeView {
  id: string;
  clusterId: string;
  name: string;
  /** The AKS agent pool: `agentPool` property, an agentpool label, or the `aks-<pool>-<n>-vmss…` node name. */
  pool: string | null;
  /** The scale set the node is an instance of (from spec.providerID). */
  scaleSetId: string | null;
  internalIPs: string[];
  externalIPs: string[];
}

export interface KubernetesView {
  nodes: Map<string, GraphNode>;
  clusters: Map<string, ClusterView>;
  pods: Map<string, PodView>;
  services: Map<string, ServiceView>;
  /** `${clusterId}|${namespace}|${name}` → service. */
  servicesByName: Map<string, ServiceView>;
  ingresses: IngressView[];
  /** `${clusterId}|${name}` → ingress class. */
  ingressClasses: Map<string, IngressClassView>;
  /** `${clusterId}|${namespace}` → the policies of that namespace. */
  policies: Map<string, NetworkPolicyView[]>;
  /** `${clusterId}|${namespace}` → namespace labels (from KubernetesNamespace nodes). */
  namespaceLabels: Map<string, Labels>;
  k8sNodes: Map<string, NodeView>;
  /** Child → owner, from OWNS edges. */
  ownerOf: Map<string, string>;
}

export const scopeKey = (clusterId: string, name: string): string => `${clusterId}|${name}`;

function json<T>(node: GraphNode, key: string, fallback: T): T {
  const value = node.properties[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') throw new AnalysisInputError(`${node.id}: property ${key} should be JSON text`);
  try {
    return (JSON.parse(value) as T | null) ?? fallback;
  } catch {
    throw new AnalysisInputError(`${node.id}: property ${key} is not valid JSON; re-ingest the snapshot to repair the store`);
  }
}

function str(properties: Properties, key: string): string | null {
  const value = properties[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function strings(properties: Properties, key: string): string[] {
  const value = properties[key];
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

const K8S_SEGMENT = '/k8s/';

/** The cluster a Kubernetes object belongs to: its `clusterId` property, else the id prefix before `/k8s/`. */
export function clusterIdOf(node: GraphNode): string {
  const explicit = str(node.properties, 'clusterId');
  if (explicit) return normalizeId(explicit);
  const at = node.id.indexOf(K8S_SEGMENT);
  return at < 0 ? '' : node.id.slice(0, at);
}

/** `<cluster>/k8s/<namespace>/<kind>/<name>`: the namespace and name parts. */
function idParts(id: string): { namespace: string; name: string } {
  const at = id.indexOf(K8S_SEGMENT);
  const parts = at < 0 ? [] : id.slice(at + K8S_SEGMENT.length).split('/');
  return { namespace: parts[0] ?? '', name: parts.slice(2).join('/') || id };
}

function namespaceOf(node: GraphNode): string {
  return str(node.properties, 'namespace') ?? idParts(node.id).namespace;
}

function nameOf(node: GraphNode): string {
  return str(node.properties, 'name') ?? idParts(node.id).name;
}

export function normalizeSelector(raw: Partial<LabelSelector> | null | undefined): LabelSelector {
  return { matchLabels: raw?.matchLabels ?? {}, matchExpressions: raw?.matchExpressions ?? [] };
}

function normalizeContainer(raw: ContainerRecord): ContainerRecord {
  const ports = (raw.ports ?? []).map(
    (port): ContainerPort => ({
      name: port.name ?? null,
      containerPort: port.containerPort,
      protocol: port.protocol ?? 'TCP',
      hostPort: port.hostPort ?? null,
    }),
  );
  return { ...raw, init: raw.init === true, ports };
}

function normalizeServicePort(raw: ServicePort): ServicePort {
  return { name: raw.name ?? null, protocol: raw.protocol ?? 'TCP', port: raw.port, targetPort: raw.targetPort, nodePort: raw.nodePort ?? null };
}

function normalizeRule(raw: Partial<NetworkPolicyIngressRule>): NetworkPolicyIngressRule {
  return {
    from: (raw.from ?? []).map((peer) => ({ podSelector: peer.podSelector ?? null, namespaceSelector: peer.namespaceSelector ?? null, ipBlock: peer.ipBlock ?? null })),
    ports: (raw.ports ?? []).map((port) => ({ protocol: port.protocol ?? 'TCP', port: port.port ?? null, endPort: port.endPort ?? null })),
  };
}

const AKS_NODE_NAME = /^aks-([a-z0-9]+)-\d+-vmss[0-9a-z]+$/;

/** The agent pool an AKS node name encodes (`aks-<pool>-<digits>-vmss<instance>`), or null. */
export function poolFromNodeName(name: string | null): string | null {
  return (name && AKS_NODE_NAME.exec(name)?.[1]) || null;
}

function nodePool(node: GraphNode, name: string): string | null {
  const labels = json<Labels>(node, 'labels', {});
  return (
    str(node.properties, 'agentPool') ??
    labels['kubernetes.azure.com/agentpool'] ??
    labels.agentpool ??
    poolFromNodeName(name)
  );
}

function networkPolicyOf(properties: Properties): string | null {
  const value = str(properties, 'networkPolicy');
  return value && value.toLowerCase() !== 'none' ? value : null;
}

function labelsMatch(selector: Labels, labels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export function buildKubernetesView(graph: GraphBatch): KubernetesView {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const ofKind = (kind: GraphNode['kind']) => graph.nodes.filter((node) => node.kind === kind);
  const edgeTargets = (kind: string) => {
    const map = new Map<string, string[]>();
    for (const edge of graph.edges) {
      if (edge.kind !== kind) continue;
      const list = map.get(edge.source);
      if (list) list.push(edge.target);
      else map.set(edge.source, [edge.target]);
    }
    return map;
  };
  const selects = edgeTargets('SELECTS');
  const runsOn = edgeTargets('RUNS_ON');
  const ownerOf = new Map<string, string>();
  for (const edge of graph.edges) if (edge.kind === 'OWNS') ownerOf.set(edge.target, edge.source);

  const clusters = new Map<string, ClusterView>(
    ofKind('ManagedCluster').map((node) => [
      node.id,
      {
        id: node.id,
        privateCluster: node.properties.privateCluster === true,
        authorizedIpRanges: strings(node.properties, 'authorizedIpRanges'),
        apiServerFqdn: str(node.properties, 'apiServerFqdn'),
        networkPolicy: networkPolicyOf(node.properties),
        agentPools: json<AgentPool[]>(node, 'agentPools', []),
        nodeResourceGroupId: str(node.properties, 'nodeResourceGroupId')?.toLowerCase() ?? null,
      },
    ]),
  );

  const k8sNodes = new Map<string, NodeView>(
    ofKind('KubernetesNode').map((node) => {
      const name = nameOf(node);
      return [
        node.id,
        {
          id: node.id,
          clusterId: clusterIdOf(node),
          name,
          pool: nodePool(node, name),
          scaleSetId: str(node.properties, 'scaleSetId')?.toLowerCase() ?? null,
          internalIPs: strings(node.properties, 'internalIPs'),
          externalIPs: strings(node.properties, 'externalIPs'),
        },
      ];
    }),
  );

  const pods = new Map<string, PodView>();
  const podsByNamespace = new Map<string, PodView[]>();
  for (const node of ofKind('KubernetesPod')) {
    const clusterId = clusterIdOf(node);
    const namespace = namespaceOf(node);
    const nodeName = str(node.properties, 'nodeName');
    const derivedNodeId = nodeName && clusterId ? kubernetesObjectId(clusterId, null, 'node', nodeName) : null;
    const pod: PodView = {
      id: node.id,
      clusterId,
      namespace,
      name: nameOf(node),
      labels: json<Labels>(node, 'labels', {}),
      containers: json<ContainerRecord[]>(node, 'containers', []).map(normalizeContainer).filter((container) => !container.init),
      ownerWorkloadId: str(node.properties, 'ownerWorkloadId'),
      phase: str(node.properties, 'phase'),
      nodeId: runsOn.get(node.id)?.[0] ?? (derivedNodeId && k8sNodes.has(derivedNodeId) ? derivedNodeId : null),
      nodeName,
      hostNetwork: node.properties.hostNetwork === true,
      podIPs: strings(node.properties, 'podIPs'),
    };
    pods.set(pod.id, pod);
    const key = scopeKey(clusterId, namespace);
    podsByNamespace.set(key, [...(podsByNamespace.get(key) ?? []), pod]);
  }

  const services = new Map<string, ServiceView>();
  const servicesByName = new Map<string, ServiceView>();
  for (const node of ofKind('KubernetesService')) {
    const clusterId = clusterIdOf(node);
    const namespace = namespaceOf(node);
    const selector = json<Labels>(node, 'selector', {});
    // Endpoints hold only pods that can serve: finished pods never do.
    const podIds = new Set(selects.get(node.id) ?? []);
    for (const pod of podsByNamespace.get(scopeKey(clusterId, namespace)) ?? []) {
      if (labelsMatch(selector, pod.labels)) podIds.add(pod.id);
    }
    const service: ServiceView = {
      id: node.id,
      clusterId,
      namespace,
      name: nameOf(node),
      serviceType: str(node.properties, 'serviceType') ?? 'ClusterIP',
      selector,
      ports: json<ServicePort[]>(node, 'ports', []).map(normalizeServicePort),
      internal: node.properties.internal === true,
      loadBalancerSourceRanges: strings(node.properties, 'loadBalancerSourceRanges'),
      allowedServiceTags: strings(node.properties, 'allowedServiceTags'),
      loadBalancerIPs: strings(node.properties, 'loadBalancerIPs'),
      externalTrafficPolicy: str(node.properties, 'externalTrafficPolicy') === 'Local' ? 'Local' : 'Cluster',
      podIds: [...podIds].filter((id) => {
        const phase = pods.get(id)?.phase;
        return pods.has(id) && phase !== 'Succeeded' && phase !== 'Failed';
      }).sort(),
    };
    services.set(service.id, service);
    servicesByName.set(`${clusterId}|${namespace}|${service.name}`, service);
  }

  const ingresses = ofKind('KubernetesIngress').map((node) => ({
    id: node.id,
    clusterId: clusterIdOf(node),
    namespace: namespaceOf(node),
    className: str(node.properties, 'ingressClassName'),
    routes: json<IngressRoute[]>(node, 'routes', []),
  }));

  const ingressClasses = new Map<string, IngressClassView>();
  for (const node of ofKind('KubernetesIngressClass')) {
    const ingressClass = {
      id: node.id,
      clusterId: clusterIdOf(node),
      name: nameOf(node),
      controller: str(node.properties, 'controller'),
      isDefault: node.properties.isDefault === true,
    };
    ingressClasses.set(scopeKey(ingressClass.clusterId, ingressClass.name), ingressClass);
  }

  const policies = new Map<string, NetworkPolicyView[]>();
  for (const node of ofKind('KubernetesNetworkPolicy')) {
    const policy: NetworkPolicyView = {
      id: node.id,
      clusterId: clusterIdOf(node),
      namespace: namespaceOf(node),
      name: nameOf(node),
      podSelector: normalizeSelector(json<Partial<LabelSelector> | null>(node, 'podSelector', null)),
      policyTypes: strings(node.properties, 'policyTypes'),
      ingressRules: json<Partial<NetworkPolicyIngressRule>[]>(node, 'ingressRules', []).map(normalizeRule),
    };
    const key = scopeKey(policy.clusterId, policy.namespace);
    policies.set(key, [...(policies.get(key) ?? []), policy]);
  }

  const namespaceLabels = new Map<string, Labels>(
    ofKind('KubernetesNamespace').map((node) => [scopeKey(clusterIdOf(node), nameOf(node)), json<Labels>(node, 'labels', {})]),
  );

  return { nodes, clusters, pods, services, servicesByName, ingresses, ingressClasses, policies, namespaceLabels, k8sNodes, ownerOf };
}
