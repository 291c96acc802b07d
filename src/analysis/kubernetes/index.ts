/**
 * Exposure of AKS clusters and Kubernetes workloads, as `Reach` records that
 * `computeExposure` aggregates with the VM ones:
 *
 * - the API server of each public cluster (api-server.ts);
 * - workloads behind public LoadBalancer services (services.ts);
 * - NodePorts and hostPorts on nodes with public IPs (node-ports.ts);
 * - workloads behind Ingresses whose controller any of those reach (ingress.ts);
 *
 * each through the target pod's NetworkPolicies where the cluster enforces
 * them (network-policy.ts).
 */
import type { GraphBatch } from '../../model/graph.js';
import type { NetworkView } from '../network-view.js';
import type { Reach } from '../reach.js';
import { reachApiServers } from './api-server.js';
import { createContext } from './context.js';
import { reachThroughIngresses } from './ingress.js';
import { reachThroughHostPorts, reachThroughNodePorts } from './node-ports.js';
import { reachThroughLoadBalancerServices } from './services.js';
import { buildKubernetesView } from './view.js';

export { INGRESS_CONTROLLERS } from './ingress.js';

const KUBERNETES_KINDS = new Set(['ManagedCluster', 'KubernetesPod', 'KubernetesService']);

export function reachThroughKubernetes(graph: GraphBatch, network: NetworkView): Reach[] {
  if (!graph.nodes.some((node) => KUBERNETES_KINDS.has(node.kind))) return [];
  const ctx = createContext(buildKubernetesView(graph), network);
  const direct = [...reachThroughLoadBalancerServices(ctx), ...reachThroughNodePorts(ctx), ...reachThroughHostPorts(ctx)];
  const throughIngress = reachThroughIngresses(ctx, direct);
  // Replicas of one workload reach it the same way: keep one of each.
  const unique = new Map<string, Reach>();
  for (const reach of [...reachApiServers(ctx.view), ...[...direct, ...throughIngress].map((found) => found.reach)]) {
    unique.set(JSON.stringify(reach), reach);
  }
  return [...unique.values()];
}
