/**
 * Nodes with their own public IPs (agent pools with `enableNodePublicIP`):
 * every node answers on every NodePort (services of type NodePort and
 * LoadBalancer, internal ones included), and a container's `hostPort` (any
 * container port of a hostNetwork pod) answers on the node it runs on.
 *
 * AKS node public IPs are Standard SKU: closed until an NSG allows the port
 * from the internet. The NSGs are the pool subnet's (`vnetSubnetId`, else the
 * pool scale set's subnet) and the pool scale set's NIC NSG when the snapshot
 * holds the node resource group; the destination is the node subnet's range.
 *
 * The reported port is the container port reached; the entry's
 * `frontendPorts` the nodePort or hostPort. With externalTrafficPolicy Local a
 * NodePort answers only on nodes running a selected pod, without SNAT.
 */
import { INTERNET_ID } from '../../model/ids.js';
import { type AdmittedRange } from '../nsg.js';
import { admission, type Backend, restrict } from '../reach.js';
import { deliver, type KubernetesContext, memo, nodeAddresses, nsgClients, type PodReach, podPool, poolNsgs } from './context.js';
import { internetOrigin } from './network-policy.js';
import { protocolOf } from './ports.js';
import { endpoints } from './services.js';
import type { ClusterView, KubernetesView } from './view.js';

export interface PublicPool {
  name: string;
  /** The NSGs and destination traffic to the pool's nodes meets. */
  backend: Backend;
  /** The hop standing for the pool's nodes: its scale set, else its first node, else the cluster. */
  hop: string;
}

function publicPools(ctx: KubernetesContext, cluster: ClusterView): PublicPool[] {
  return memo(ctx, `public-pools|${cluster.id}`, () => computePublicPools(ctx, cluster));
}

function computePublicPools(ctx: KubernetesContext, cluster: ClusterView): PublicPool[] {
  return cluster.agentPools
    .filter((pool) => pool.enableNodePublicIP)
    .map((pool) => {
      const { network, layers, applicationSecurityGroupIds } = poolNsgs(ctx, cluster, pool);
      const nodes = [...ctx.view.k8sNodes.values()]
        .filter((node) => node.clusterId === cluster.id && node.pool?.toLowerCase() === pool.name.toLowerCase())
        .map((node) => node.id)
        .sort();
      const hop = network.scaleSet?.id ?? nodes[0] ?? cluster.id;
      return {
        name: pool.name.toLowerCase(),
        hop,
        backend: {
          assetId: hop,
          hop,
          layers,
          destination: { addresses: (network.subnetId && ctx.network.subnets.get(network.subnetId)?.addressPrefixes) || [], applicationSecurityGroupIds },
        },
      };
    });
}

/** A node's public address (status.addresses ExternalIP) when the hop is a node; null for a pool. */
function externalIp(view: KubernetesView, hop: string): string | null {
  return view.k8sNodes.get(hop)?.externalIPs[0] ?? null;
}

/** What the pool's NSGs admit from the internet on one node port. */
function admittedOnNodes(pool: PublicPool, protocol: 'tcp' | 'udp', port: number): AdmittedRange[] {
  // Standard public IPs: closed without an NSG allowing the traffic.
  return restrict(admission(pool.backend, { kind: 'internet' }, false), protocol, port, port);
}

export function reachThroughNodePorts(ctx: KubernetesContext): PodReach[] {
  const reaches: PodReach[] = [];
  for (const service of ctx.view.services.values()) {
    if (service.serviceType !== 'NodePort' && service.serviceType !== 'LoadBalancer') continue;
    const cluster = ctx.view.clusters.get(service.clusterId);
    if (!cluster) continue;
    const pools = publicPools(ctx, cluster);
    if (pools.length === 0) continue;
    const local = service.externalTrafficPolicy === 'Local';
    for (const servicePort of service.ports) {
      const protocol = protocolOf(servicePort.protocol);
      const nodePort = servicePort.nodePort;
      if (!protocol || nodePort === null) continue;
      for (const pool of pools) {
        for (const range of admittedOnNodes(pool, protocol, nodePort)) {
          const clients = nsgClients(range);
          for (const { pod, port } of endpoints(ctx, service, servicePort)) {
            const poolOfPod = podPool(ctx.view, pod);
            if (local && poolOfPod !== null && poolOfPod !== pool.name) continue;
            const hop = local && pod.nodeId ? pod.nodeId : pool.hop;
            const reach = deliver(ctx, {
              pod,
              protocol,
              port,
              origin: internetOrigin(clients, service.externalTrafficPolicy, cluster.networkPolicy, () => nodeAddresses(ctx, service.clusterId)),
              via: [INTERNET_ID, hop, service.id],
              entry: { type: 'node-port', publicIpId: null, address: externalIp(ctx.view, hop), forwarder: service.id, frontendPorts: { from: nodePort, to: nodePort } },
              decidedBy: range.decidedBy,
            });
            if (reach) reaches.push(reach);
          }
        }
      }
    }
  }
  return reaches;
}

export function reachThroughHostPorts(ctx: KubernetesContext): PodReach[] {
  const reaches: PodReach[] = [];
  for (const pod of ctx.view.pods.values()) {
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    const cluster = ctx.view.clusters.get(pod.clusterId);
    const pools = cluster ? publicPools(ctx, cluster) : [];
    const poolOfPod = podPool(ctx.view, pod);
    // A pod whose node is unknown may run in any public pool.
    const candidates = pools.filter((pool) => poolOfPod === null || pool.name === poolOfPod);
    if (candidates.length === 0) continue;
    for (const container of pod.containers) {
      for (const containerPort of container.ports) {
        const hostPort = containerPort.hostPort ?? (pod.hostNetwork ? containerPort.containerPort : null);
        const protocol = protocolOf(containerPort.protocol);
        if (hostPort === null || !protocol) continue;
        for (const pool of candidates) {
          for (const range of admittedOnNodes(pool, protocol, hostPort)) {
            const hop = pod.nodeId ?? pool.hop;
            // The CNI portmap DNATs without SNAT: policies see the client.
            const reach = deliver(ctx, {
              pod,
              protocol,
              port: containerPort.containerPort,
              origin: { kind: 'internet', clients: nsgClients(range), clientVisible: true, nodeAddresses: null },
              via: [INTERNET_ID, hop],
              entry: { type: 'host-port', publicIpId: null, address: externalIp(ctx.view, hop), forwarder: hop, frontendPorts: { from: hostPort, to: hostPort } },
              decidedBy: range.decidedBy,
            });
            if (reach) reaches.push(reach);
          }
        }
      }
    }
  }
  return reaches;
}
