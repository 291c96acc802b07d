/**
 * The NetworkPolicy peer rules built on Kubernetes label selectors (the
 * selector matching itself is the model's `selectorMatches`).
 */
import { type NetworkPolicyPeer, selectorMatches as matchesSelector } from '../../model/kubernetes.js';
import { type KubernetesView, type Labels, type NetworkPolicyView, type PodView, scopeKey } from './view.js';

/** The label Kubernetes puts on every namespace (v1.21+), so selectors can name a namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export { matchesSelector };

/** A namespace's labels, with the automatic `kubernetes.io/metadata.name`. */
export function namespaceLabels(view: KubernetesView, clusterId: string, namespace: string): Labels {
  return { ...view.namespaceLabels.get(scopeKey(clusterId, namespace)), [NAMESPACE_NAME_LABEL]: namespace };
}

/** Whether the policy's podSelector (in its own namespace) selects the pod. */
export function policySelectsPod(policy: NetworkPolicyView, pod: PodView): boolean {
  return policy.clusterId === pod.clusterId && policy.namespace === pod.namespace && matchesSelector(policy.podSelector, pod.labels);
}

/**
 * Whether a `from` peer's selectors name the pod (ipBlock aside):
 * podSelector alone → pods of the policy's namespace; namespaceSelector alone →
 * every pod of the matching namespaces; both → matching pods in matching namespaces.
 */
export function peerSelectsPod(view: KubernetesView, policy: NetworkPolicyView, peer: NetworkPolicyPeer, pod: PodView): boolean {
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (pod.clusterId !== policy.clusterId) return false;
  const namespaceMatches = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels(view, pod.clusterId, pod.namespace))
    : pod.namespace === policy.namespace;
  if (!namespaceMatches) return false;
  return peer.podSelector ? matchesSelector(peer.podSelector, pod.labels) : true;
}
