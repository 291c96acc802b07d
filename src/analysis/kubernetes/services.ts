/**
 * LoadBalancer services: the Azure cloud provider gives each non-internal one
 * a public frontend on the cluster's load balancer and lets in the sources the
 * service names (`loadBalancerSourceRanges`, the allowed-ip-ranges and
 * allowed-service-tags annotations; everything when none). The service sends
 * each port to its selected pods' resolved target ports.
 *
 * The NSGs in front of the nodes are evaluated too. AKS programs the
 * load-balancer rules with floating IP, so packets reach the nodes addressed
 * to the frontend IP on the service port, and writes NSG rules that let in
 * the service's sources; an NSG the snapshot holds (AKS's own on the node
 * NICs or subnet, or one of yours on the node subnet) can still shut the
 * port, while one it lacks filters nothing.
 */
import { INTERNET_ID } from '../../model/ids.js';
import type { ServicePort } from '../../model/kubernetes.js';
import { ANY_CLIENT, type ClientSet, clientsFromPrefixes, intersectClients, isEmptyClientSet } from './client-sets.js';
import type { PublicIpView } from '../network-view.js';
import { type AdmittedRange, evaluateInbound } from '../nsg.js';
import { restrict } from '../reach.js';
import { deliver, type KubernetesContext, memo, nodeAddresses, nsgClients, type PodReach, podPool, poolNsgs } from './context.js';
import { internetOrigin } from './network-policy.js';
import { protocolOf, resolveTargetPort } from './ports.js';
import type { ClusterView, PodView, ServiceView } from './view.js';

/** The internet clients a public LoadBalancer service admits, or null when none can connect. */
export function serviceClients(service: ServiceView): ClientSet | null {
  const prefixes = [...service.loadBalancerSourceRanges, ...service.allowedServiceTags];
  if (prefixes.length === 0) return ANY_CLIENT;
  const clients = clientsFromPrefixes(prefixes);
  return isEmptyClientSet(clients) ? null : clients;
}

export interface ServiceFrontend {
  publicIpId: string | null;
  address: string | null;
  /** internet → public IP → its load balancer, or internet alone when the frontend is not in the graph. */
  via: string[];
}

/** The service's frontends, matched to the graph by `loadBalancerIPs` = a public IP's address. */
export function serviceFrontends(ctx: KubernetesContext, service: ServiceView): ServiceFrontend[] {
  const frontends: ServiceFrontend[] = [];
  const unmatched: string[] = [];
  const byAddress = memo(ctx, 'public-ips-by-address', () => {
    const index = new Map<string, PublicIpView>();
    for (const publicIp of ctx.network.publicIps.values()) if (publicIp.ipAddress && !index.has(publicIp.ipAddress)) index.set(publicIp.ipAddress, publicIp);
    return index;
  });
  for (const address of service.loadBalancerIPs) {
    const publicIp = byAddress.get(address);
    if (!publicIp) {
      unmatched.push(address);
      continue;
    }
    const lb = ctx.network.loadBalancers.find((candidate) => candidate.frontends.some((frontend) => frontend.publicIPAddressId === publicIp.id));
    frontends.push({ publicIpId: publicIp.id, address, via: [INTERNET_ID, publicIp.id, ...(lb ? [lb.id] : [])] });
  }
  // No address yet (still provisioning) or one the snapshot lacks: reachable all the same.
  if (frontends.length === 0 || unmatched.length > 0) frontends.push({ publicIpId: null, address: unmatched[0] ?? null, via: [INTERNET_ID] });
  return frontends;
}

/** Each selected pod with the container port a service port reaches on it. */
export function endpoints(ctx: KubernetesContext, service: ServiceView, servicePort: ServicePort): Array<{ pod: PodView; port: number }> {
  return service.podIds.flatMap((id) => {
    const pod = ctx.view.pods.get(id);
    const port = pod ? resolveTargetPort(servicePort, pod) : null;
    return pod && port !== null ? [{ pod, port }] : [];
  });
}

/**
 * What the NSGs in front of a pod's nodes admit from the internet to the
 * frontend `address` on a service port: those of the pod's agent pool, or of
 * every pool when its node is unknown. Unknown address: nothing to evaluate.
 * Computed once per pool, address and port, however many pods share them.
 */
function admittedByNodeNsgs(
  ctx: KubernetesContext,
  cluster: ClusterView | undefined,
  pod: PodView,
  address: string | null,
  protocol: 'tcp' | 'udp',
  port: number,
): AdmittedRange[] {
  const pool = podPool(ctx.view, pod);
  return memo(ctx, `lb-node-nsgs|${cluster?.id}|${pool}|${address}|${protocol}|${port}`, () => {
    const pools = cluster && address ? cluster.agentPools.filter((candidate) => pool === null || candidate.name.toLowerCase() === pool) : [];
    const layerSets = pools.length > 0 ? pools.map((candidate) => poolNsgs(ctx, cluster!, candidate)) : [{ layers: [], applicationSecurityGroupIds: [] }];
    const ranges = new Map<string, AdmittedRange>();
    for (const { layers, applicationSecurityGroupIds } of layerSets) {
      const admitted = evaluateInbound(layers, { kind: 'internet' }, { addresses: address ? [address] : [], applicationSecurityGroupIds }, { allowWhenUnfiltered: true });
      for (const range of restrict(admitted, protocol, port, port)) ranges.set(JSON.stringify(range), range);
    }
    return [...ranges.values()];
  });
}

export function isPublicLoadBalancerService(service: ServiceView): boolean {
  return service.serviceType === 'LoadBalancer' && !service.internal;
}

export function reachThroughLoadBalancerServices(ctx: KubernetesContext): PodReach[] {
  const reaches: PodReach[] = [];
  for (const service of ctx.view.services.values()) {
    if (!isPublicLoadBalancerService(service)) continue;
    const clients = serviceClients(service);
    if (!clients) continue;
    const cluster = ctx.view.clusters.get(service.clusterId);
    for (const frontend of serviceFrontends(ctx, service)) {
      for (const servicePort of service.ports) {
        const protocol = protocolOf(servicePort.protocol);
        if (!protocol) continue;
        for (const { pod, port } of endpoints(ctx, service, servicePort)) {
          for (const range of admittedByNodeNsgs(ctx, cluster, pod, frontend.address, protocol, servicePort.port)) {
            const admitted = intersectClients(clients, nsgClients(range));
            if (isEmptyClientSet(admitted)) continue;
            const reach = deliver(ctx, {
              pod,
              protocol,
              port,
              origin: internetOrigin(admitted, service.externalTrafficPolicy, cluster?.networkPolicy ?? null, () => nodeAddresses(ctx, service.clusterId)),
              via: [...frontend.via, service.id],
              entry: {
                type: 'kubernetes-load-balancer',
                publicIpId: frontend.publicIpId,
                address: frontend.address,
                forwarder: service.id,
                frontendPorts: { from: servicePort.port, to: servicePort.port },
              },
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
