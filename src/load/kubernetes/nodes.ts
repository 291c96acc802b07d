/**
 * Kubernetes nodes. On AKS a node is a scale-set instance: `spec.providerID`
 * (`azure:///subscriptions/…/virtualMachineScaleSets/<vmss>/virtualMachines/<n>`)
 * names it, and the `kubernetes.azure.com/agentpool` label its agent pool.
 */
import { normalizeId } from '../../model/ids.js';
import { objects, text } from '../raw.js';
import type { KubernetesFamily } from './family.js';

function addresses(status: Record<string, unknown>, type: string): string[] {
  return objects(status.addresses)
    .filter((address) => text(address.type) === type)
    .map((address) => text(address.address))
    .filter((address): address is string => address !== null);
}

export const kubernetesNodes: KubernetesFamily = {
  key: 'kubernetesNodes',
  name: 'Kubernetes nodes',
  kinds: ['Node'],
  transform(object, cluster, context) {
    const id = cluster.idOf(object);
    const providerId = text(object.spec.providerID);
    const scaleSet = providerId ? /^azure:\/\/(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.compute\/virtualmachinescalesets\/[^/]+)/i.exec(providerId) : null;
    const nodeInfo = (object.status.nodeInfo ?? {}) as Record<string, unknown>;
    context.addNode({
      id,
      kind: 'KubernetesNode',
      properties: {
        ...cluster.baseProperties(object),
        agentPool: object.labels['kubernetes.azure.com/agentpool'] ?? object.labels.agentpool ?? null,
        mode: object.labels['kubernetes.azure.com/mode'] ?? null,
        providerId,
        scaleSetId: scaleSet?.[1] ? normalizeId(scaleSet[1]) : null,
        internalIPs: addresses(object.status, 'InternalIP'),
        externalIPs: addresses(object.status, 'ExternalIP'),
        kubeletVersion: text(nodeInfo.kubeletVersion),
        osImage: text(nodeInfo.osImage),
        unschedulable: object.spec.unschedulable === true,
      },
    });
    context.addEdge(cluster.id, 'CONTAINS', id);
  },
};
