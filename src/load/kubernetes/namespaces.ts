import { text } from '../raw.js';
import type { KubernetesFamily } from './family.js';

export const kubernetesNamespaces: KubernetesFamily = {
  key: 'kubernetesNamespaces',
  name: 'Kubernetes namespaces',
  kinds: ['Namespace'],
  transform(object, cluster, context) {
    const id = cluster.idOf(object);
    context.addNode({
      id,
      kind: 'KubernetesNamespace',
      properties: {
        ...cluster.baseProperties(object),
        labels: JSON.stringify(cluster.namespaceLabels(object.name)),
        phase: text(object.status.phase),
      },
    });
    context.addEdge(cluster.id, 'CONTAINS', id);
  },
};
