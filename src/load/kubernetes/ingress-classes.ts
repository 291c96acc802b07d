import { text } from '../raw.js';
import type { KubernetesFamily } from './family.js';

export const kubernetesIngressClasses: KubernetesFamily = {
  key: 'kubernetesIngressClasses',
  name: 'Kubernetes ingress classes',
  kinds: ['IngressClass'],
  transform(object, cluster, context) {
    const id = cluster.idOf(object);
    context.addNode({
      id,
      kind: 'KubernetesIngressClass',
      properties: {
        ...cluster.baseProperties(object),
        controller: text(object.spec.controller),
        isDefault: object.annotations['ingressclass.kubernetes.io/is-default-class']?.trim().toLowerCase() === 'true',
      },
    });
    context.addEdge(cluster.id, 'CONTAINS', id);
  },
};
