/**
 * What every Kubernetes reach computation shares: the views, agent-pool networking, asset attribution and the step that delivers
 * traffic to one pod through its NetworkPolicies.
 */
import type { AgentPool } from '../../model/kubernetes.js';
import { parseCidr, type AddressInterval } from '../addresses.js';
import type { NetworkView, ScaleSetView } from '../network-view.js';
import type { AdmittedRange, NsgLayer } from '../nsg.js';
import { type EntryPoint, layersFor, type Reach, type Width } from '../reach.js';
import { ANY_CLIENT, type ClientSet, clientsFromPrefixes, isEmptyClientSet, parseAddresses } from './client-sets.js';
import { admitIngress, type TrafficOrigin } from './network-policy.js';
import { type ClusterView, type KubernetesView, type PodView, poolFromNodeName } from './view.js';

export interface KubernetesContext {
  view: KubernetesView;
  network: NetworkView;
  /** Per-cluster results computed once (see `memo`). */
  memos: Map<string, unknown>;
}

export function createContext(view: KubernetesView, network: NetworkView): KubernetesContext {
  return { view, network, memos: new Map() };
}

export function memo<T>(ctx: KubernetesContext, key: string, compute: () => T): T {
  if (!ctx.memos.has(key)) ctx.memos.set(key, compute());
  return ctx.memos.get(key) as T;
}

/** A reach that ends on a pod's asset, with the pod and the hops before the asset. */
export interface PodReach {
  reach: Reach;
  pod: PodView;
  /** The path up to (not including) the asset. */
  via: string[];
}

/**
 * The asset a pod's exposure is reported on: its top owning workload
 * (`ownerWorkloadId`, else the top of its OWNS chain — a ReplicaSet's pods
 * count for the Deployment), or the pod itself when it is bare.
 */
export function assetOf(view: KubernetesView, pod: PodView): string {
  if (pod.ownerWorkloadId && view.nodes.has(pod.ownerWorkloadId)) return pod.ownerWorkloadId;
  let current = pod.id;
  const seen = new Set([current]);
  for (let owner = view.ownerOf.get(current); owner && !seen.has(owner); owner = view.ownerOf.get(current)) {
    seen.add(owner);
    current = owner;
  }
  return current !== pod.id && view.nodes.get(current)?.kind === 'KubernetesWorkload' ? current : pod.id;
}

export interface PoolNetwork {
  pool: AgentPool;
  /** The pool's node subnet: `vnetSubnetId`, else its scale set's. */
  subnetId: string | null;
  /** The pool's scale set in the node resource group, when the snapshot has it. */
  scaleSet: ScaleSetView | null;
}

/** The pool's scale set: named by its nodes' providerID, else `aks-<pool>-<digits>-vmss` in the node resource group. */
function poolScaleSet(ctx: KubernetesContext, cluster: ClusterView, pool: AgentPool): ScaleSetView | null {
  const network = ctx.network;
  for (const node of ctx.view.k8sNodes.values()) {
    const scaleSet = node.scaleSetId ? network.scaleSets.get(node.scaleSetId) : undefined;
    if (scaleSet && node.clusterId === cluster.id && node.pool?.toLowerCase() === pool.name.toLowerCase()) return scaleSet;
  }
  if (!cluster.nodeResourceGroupId) return null;
  const prefix = `${cluster.nodeResourceGroupId}/providers/microsoft.compute/virtualmachinescalesets/`;
  const name = new RegExp(`^aks-${pool.name.toLowerCase()}-\\d+-vmss$`);
  for (const [id, scaleSet] of network.scaleSets) {
    if (id.startsWith(prefix) && name.test(id.slice(prefix.length))) return scaleSet;
  }
  return null;
}

export function poolNetwork(ctx: KubernetesContext, cluster: ClusterView, pool: AgentPool): PoolNetwork {
  const scaleSet = poolScaleSet(ctx, cluster, pool);
  const scaleSetSubnet = scaleSet?.nicConfigurations.flatMap((nic) => nic.ipConfigurations).find((config) => config.subnetId)?.subnetId ?? null;
  return { pool, subnetId: pool.vnetSubnetId?.toLowerCase() ?? scaleSetSubnet, scaleSet };
}

/** The NSGs traffic to a pool's nodes meets (its subnet's, its scale set's NIC NSG) and the NICs' ASGs, as far as the snapshot holds them. */
export function poolNsgs(ctx: KubernetesContext, cluster: ClusterView, pool: AgentPool): { network: PoolNetwork; layers: NsgLayer[]; applicationSecurityGroupIds: string[] } {
  return memo(ctx, `pool-nsgs|${cluster.id}|${pool.name.toLowerCase()}`, () => {
    const network = poolNetwork(ctx, cluster, pool);
    const nics = network.scaleSet?.nicConfigurations ?? [];
    const nicNsgId = nics.find((nic) => nic.networkSecurityGroupId)?.networkSecurityGroupId ?? null;
    return {
      network,
      layers: layersFor(ctx.network, network.subnetId, nicNsgId),
      applicationSecurityGroupIds: nics.flatMap((nic) => nic.ipConfigurations.flatMap((config) => config.applicationSecurityGroupIds)),
    };
  });
}

/** The agent pool a pod runs in, when known. */
export function podPool(view: KubernetesView, pod: PodView): string | null {
  const node = pod.nodeId ? view.k8sNodes.get(pod.nodeId) : undefined;
  return (node?.pool ?? poolFromNodeName(pod.nodeName))?.toLowerCase() ?? null;
}

/** The internet clients an NSG admission names; its width is the evaluator's. */
export function nsgClients(range: AdmittedRange): ClientSet {
  const clients = clientsFromPrefixes(range.sources);
  const base = isEmptyClientSet(clients) ? { ...ANY_CLIENT, names: range.sources } : clients;
  return { ...base, wide: range.width === 'wide' };
}

/** Where AKS puts nodes when the snapshot does not say: any private IPv4 address. */
const PRIVATE_NODE_RANGES: AddressInterval[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(parseCidr);

/**
 * The addresses a SNATed packet may carry: the nodes' internal IPs and every
 * agent pool's node subnet, else (nothing known) any private address.
 */
export function nodeAddresses(ctx: KubernetesContext, clusterId: string): AddressInterval[] {
  return memo(ctx, `node-addresses|${clusterId}`, () => {
    const cluster = ctx.view.clusters.get(clusterId);
    const prefixes = (cluster?.agentPools ?? []).flatMap((pool) => {
      const { subnetId } = poolNetwork(ctx, cluster!, pool);
      return (subnetId && ctx.network.subnets.get(subnetId)?.addressPrefixes) || [];
    });
    const nodeIps = [...ctx.view.k8sNodes.values()].filter((node) => node.clusterId === clusterId).flatMap((node) => node.internalIPs);
    const known = parseAddresses([...prefixes, ...nodeIps]);
    return known.length > 0 ? known : PRIVATE_NODE_RANGES;
  });
}

export interface Delivery {
  pod: PodView;
  protocol: 'tcp' | 'udp';
  /** The container port reached. */
  port: number;
  origin: TrafficOrigin;
  via: string[];
  entry: Omit<EntryPoint, 'decidedBy' | 'sources'>;
  decidedBy: string[];
  /** For traffic from pods (the origin cannot tell clients apart): the width and sources already established. */
  width?: Width;
  sources?: string[];
}

/** Delivers traffic to the pod through its NetworkPolicies: a reach on its asset, or null when blocked. */
export function deliver(ctx: KubernetesContext, delivery: Delivery): PodReach | null {
  const admission = admitIngress(ctx.view, delivery.pod, delivery.protocol, delivery.port, delivery.origin);
  if (!admission) return null;
  const clients = admission.clients;
  const assetId = assetOf(ctx.view, delivery.pod);
  const reach: Reach = {
    assetId,
    protocol: delivery.protocol,
    from: delivery.port,
    to: delivery.port,
    width: clients ? (clients.wide ? 'wide' : 'narrow') : (delivery.width ?? 'narrow'),
    path: [...delivery.via, assetId],
    entry: {
      ...delivery.entry,
      decidedBy: [...new Set([...delivery.decidedBy, ...admission.decidedBy])].sort(),
      sources: clients ? clients.names : (delivery.sources ?? []),
    },
  };
  return { reach, pod: delivery.pod, via: delivery.via };
}
