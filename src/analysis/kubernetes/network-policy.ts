/**
 * NetworkPolicy ingress admission (kubernetes.io, "Network Policies"), only in
 * clusters whose `networkPolicy` names an enforcing engine:
 *
 * - a pod is isolated for ingress when some policy of its namespace selects it
 *   and applies to Ingress (`policyTypes` includes Ingress; with no policyTypes,
 *   Kubernetes defaults to Ingress, so a rule-less policy denies everything);
 * - an isolated pod admits a connection when some ingress rule of some
 *   selecting policy admits both its source and its port (policies add up);
 * - a pod no policy selects admits everything; hostNetwork pods are not
 *   isolated (they share the node's network namespace).
 *
 * Sources: internet clients (ipBlock peers, by the public addresses left after
 * `except`), or — when the traffic is SNATed (see `internetOrigin`) — the
 * cluster's node addresses, or in-cluster pods (the ingress controller's; pod
 * and namespace selectors, and ipBlocks by pod IP).
 */
import type { AddressInterval } from '../addresses.js';
import { type ClientSet, clientsFromIpBlock, intersectClients, intervalsOverlapAny, ipBlockIntervals, isEmptyClientSet, parseAddresses, unionClients } from './client-sets.js';
import { rulePortsMatch } from './ports.js';
import { peerSelectsPod, policySelectsPod } from './selectors.js';
import { type KubernetesView, type NetworkPolicyView, type PodView, scopeKey } from './view.js';

export type TrafficOrigin =
  /**
   * Clients from the internet. `clientVisible`: packets may keep the client's
   * address; `nodeAddresses`: packets may arrive SNATed to a node's address.
   */
  | { kind: 'internet'; clients: ClientSet; clientVisible: boolean; nodeAddresses: AddressInterval[] | null }
  /** Connections opened by pods inside the cluster (an ingress controller's). */
  | { kind: 'pods'; pods: PodView[] };

export interface Admission {
  /** For internet traffic: the clients admitted (a subset of the origin's). */
  clients: ClientSet | null;
  /** The admitting rules, `networkpolicy:<namespace>/<policy>/ingress[<i>]`. */
  decidedBy: string[];
}

/**
 * Internet traffic through a Service (LoadBalancer or NodePort). With
 * externalTrafficPolicy Local the client address is kept. With Cluster,
 * kube-proxy (Azure NPM, Calico) masquerades it to the receiving node's
 * address; Cilium's kube-proxy replacement does so only when the backend is on
 * another node, so either may arrive.
 */
export function internetOrigin(
  clients: ClientSet,
  externalTrafficPolicy: 'Cluster' | 'Local',
  networkPolicy: string | null,
  nodeAddresses: () => AddressInterval[],
): TrafficOrigin {
  if (externalTrafficPolicy === 'Local') return { kind: 'internet', clients, clientVisible: true, nodeAddresses: null };
  return { kind: 'internet', clients, clientVisible: networkPolicy?.toLowerCase() === 'cilium', nodeAddresses: nodeAddresses() };
}

function appliesToIngress(policy: NetworkPolicyView): boolean {
  if (policy.policyTypes.length === 0) return true;
  return policy.policyTypes.some((type) => type.toLowerCase() === 'ingress');
}

/** The Ingress policies that isolate the pod; empty when it is not isolated. */
export function isolatingPolicies(view: KubernetesView, pod: PodView): NetworkPolicyView[] {
  if (pod.hostNetwork || !view.clusters.get(pod.clusterId)?.networkPolicy) return [];
  return (view.policies.get(scopeKey(pod.clusterId, pod.namespace)) ?? []).filter(
    (policy) => appliesToIngress(policy) && policySelectsPod(policy, pod),
  );
}

function ruleLabel(policy: NetworkPolicyView, index: number): string {
  return `networkpolicy:${policy.namespace}/${policy.name}/ingress[${index}]`;
}

/** The part of the internet origin one rule's `from` admits, or null. */
function admitInternet(rule: NetworkPolicyView['ingressRules'][number], origin: Extract<TrafficOrigin, { kind: 'internet' }>): ClientSet | null {
  if (rule.from.length === 0) return origin.clients;
  let admitted: ClientSet | null = null;
  for (const peer of rule.from) {
    if (!peer.ipBlock) continue;
    // SNATed packets carry a node's address: a block containing one admits every client.
    if (origin.nodeAddresses && intervalsOverlapAny(ipBlockIntervals(peer.ipBlock), origin.nodeAddresses)) return origin.clients;
    if (!origin.clientVisible) continue;
    const part = intersectClients(origin.clients, clientsFromIpBlock(peer.ipBlock));
    if (!isEmptyClientSet(part)) admitted = admitted ? unionClients(admitted, part) : part;
  }
  return admitted;
}

function admitPods(view: KubernetesView, policy: NetworkPolicyView, rule: NetworkPolicyView['ingressRules'][number], pods: readonly PodView[]): boolean {
  if (rule.from.length === 0) return true;
  return rule.from.some((peer) =>
    pods.some((source) =>
      peer.ipBlock
        ? intervalsOverlapAny(ipBlockIntervals(peer.ipBlock), parseAddresses(source.podIPs))
        : peerSelectsPod(view, policy, peer, source),
    ),
  );
}

/**
 * What reaches (protocol, port) on the pod from the origin, or null when the
 * pod's policies admit nothing. The pod's own container ports resolve named
 * policy ports.
 */
export function admitIngress(view: KubernetesView, pod: PodView, protocol: 'tcp' | 'udp', port: number, origin: TrafficOrigin): Admission | null {
  const passThrough: Admission = { clients: origin.kind === 'internet' ? origin.clients : null, decidedBy: [] };
  const policies = isolatingPolicies(view, pod);
  if (policies.length === 0) return passThrough;
  let clients: ClientSet | null = null;
  const decidedBy: string[] = [];
  for (const policy of policies) {
    policy.ingressRules.forEach((rule, index) => {
      if (!rulePortsMatch(rule.ports, pod, protocol, port)) return;
      if (origin.kind === 'pods') {
        if (admitPods(view, policy, rule, origin.pods)) decidedBy.push(ruleLabel(policy, index));
        return;
      }
      const part = admitInternet(rule, origin);
      if (!part) return;
      clients = clients ? unionClients(clients, part) : part;
      decidedBy.push(ruleLabel(policy, index));
    });
  }
  if (decidedBy.length === 0) return null;
  return { clients, decidedBy: [...new Set(decidedBy)].sort() };
}
