/**
 * Network policies: their pod selector, policy types and ingress rules, and
 * SELECTS edges to the pods of their namespace the selector matches.
 */
import type { NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from '../../model/kubernetes.js';
import { asObject, integer, objects, text, texts } from '../raw.js';
import type { KubernetesFamily } from './family.js';
import { labelSelector, selectorMatches } from './selectors.js';

function peer(raw: Record<string, unknown>): NetworkPolicyPeer {
  const block = asObject(raw.ipBlock);
  const cidr = text(block?.cidr);
  return {
    podSelector: raw.podSelector ? labelSelector(raw.podSelector) : null,
    namespaceSelector: raw.namespaceSelector ? labelSelector(raw.namespaceSelector) : null,
    ipBlock: cidr ? { cidr, except: texts(block?.except) } : null,
  };
}

function port(raw: Record<string, unknown>): NetworkPolicyPort {
  const upper = text(raw.protocol)?.toUpperCase();
  return {
    protocol: upper === 'UDP' || upper === 'SCTP' ? upper : 'TCP',
    port: integer(raw.port) ?? text(raw.port),
    endPort: integer(raw.endPort),
  };
}

export function ingressRules(spec: Record<string, unknown>): NetworkPolicyIngressRule[] {
  return objects(spec.ingress).map((rule) => ({ from: objects(rule.from).map(peer), ports: objects(rule.ports).map(port) }));
}

/** `spec.policyTypes`, or what Kubernetes infers without it: Ingress always, Egress when egress rules exist. */
export function policyTypes(spec: Record<string, unknown>): string[] {
  const declared = texts(spec.policyTypes);
  if (declared.length > 0) return declared;
  return Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
}

export const kubernetesNetworkPolicies: KubernetesFamily = {
  key: 'kubernetesNetworkPolicies',
  name: 'Kubernetes network policies',
  kinds: ['NetworkPolicy'],
  transform(object, cluster, context) {
    const podSelector = labelSelector(object.spec.podSelector);
    const id = cluster.linkObject(object, context);
    context.addNode({
      id,
      kind: 'KubernetesNetworkPolicy',
      properties: {
        ...cluster.baseProperties(object),
        podSelector: JSON.stringify(podSelector),
        policyTypes: policyTypes(object.spec),
        ingressRules: JSON.stringify(ingressRules(object.spec)),
      },
    });
    for (const pod of cluster.podsIn(object.namespace)) {
      if (selectorMatches(podSelector, pod.labels)) context.addEdge(id, 'SELECTS', cluster.idOf(pod));
    }
  },
};
