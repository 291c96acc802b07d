import type { KubernetesFamily } from './family.js';

export const kubernetesServiceAccounts: KubernetesFamily = {
  key: 'kubernetesServiceAccounts',
  name: 'Kubernetes service accounts',
  kinds: ['ServiceAccount'],
  transform(object, cluster, context) {
    const automount = object.raw.automountServiceAccountToken;
    context.addNode({
      id: cluster.linkObject(object, context),
      kind: 'KubernetesServiceAccount',
      properties: {
        ...cluster.baseProperties(object),
        automountServiceAccountToken: typeof automount === 'boolean' ? automount : null,
        // Microsoft Entra Workload ID: the managed identity (by client id) pods of this account can get tokens for.
        workloadIdentityClientId: object.annotations['azure.workload.identity/client-id']?.toLowerCase() ?? null,
      },
    });
  },
};
