/**
 * Services, and the pods they send traffic to: SELECTS edges from the
 * selector, or, for a service without one, from its EndpointSlices' pod
 * targets. The Azure cloud provider's annotations that shape the load
 * balancer AKS builds for a LoadBalancer service are read here.
 */
import type { ServicePort } from '../../model/kubernetes.js';
import type { KubernetesObject } from '../../snapshot/read-kubernetes.js';
import { asObject, integer, objects, text, texts } from '../raw.js';
import type { ClusterView } from './cluster.js';
import type { KubernetesFamily } from './family.js';
import { serviceSelectorMatches, stringMap } from './selectors.js';

export const AZURE_LB_INTERNAL = 'service.beta.kubernetes.io/azure-load-balancer-internal';
export const AZURE_ALLOWED_IP_RANGES = 'service.beta.kubernetes.io/azure-allowed-ip-ranges';
export const AZURE_ALLOWED_SERVICE_TAGS = 'service.beta.kubernetes.io/azure-allowed-service-tags';

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function servicePorts(raw: unknown): ServicePort[] {
  return objects(raw).flatMap((port) => {
    const number = integer(port.port);
    if (number === null) return [];
    const target = integer(port.targetPort) ?? text(port.targetPort);
    const upper = text(port.protocol)?.toUpperCase();
    return [
      {
        name: text(port.name),
        protocol: upper === 'UDP' || upper === 'SCTP' ? upper : 'TCP',
        port: number,
        // Kubernetes defaults targetPort to port.
        targetPort: target ?? number,
        nodePort: integer(port.nodePort),
      },
    ];
  });
}

/** Pods a selector-less service reaches, from EndpointSlices labelled with its name. */
function endpointPods(service: KubernetesObject, cluster: ClusterView): string[] {
  return cluster
    .ofKind('EndpointSlice')
    .filter((slice) => slice.namespace === service.namespace && slice.labels['kubernetes.io/service-name'] === service.name)
    .flatMap((slice) => objects(slice.raw.endpoints))
    .map((endpoint) => asObject(endpoint.targetRef))
    .filter((target) => target !== undefined && text(target.kind) === 'Pod' && text(target.name) !== null)
    .map((target) => text(target!.name)!);
}

export const kubernetesServices: KubernetesFamily = {
  key: 'kubernetesServices',
  name: 'Kubernetes services',
  kinds: ['Service', 'EndpointSlice'],
  transform(object, cluster, context) {
    // EndpointSlices are read through their service; they have no node of their own.
    if (object.kind !== 'Service') return;
    const type = text(object.spec.type);
    const serviceType = SERVICE_TYPES.find((candidate) => candidate === type) ?? 'ClusterIP';
    const selector = stringMap(object.spec.selector);
    const ingress = objects(asObject(object.status.loadBalancer)?.ingress);
    const id = cluster.linkObject(object, context);
    context.addNode({
      id,
      kind: 'KubernetesService',
      properties: {
        ...cluster.baseProperties(object),
        serviceType,
        selector: JSON.stringify(selector),
        ports: JSON.stringify(servicePorts(object.spec.ports)),
        internal: object.annotations[AZURE_LB_INTERNAL]?.trim().toLowerCase() === 'true',
        loadBalancerSourceRanges: [...new Set([...texts(object.spec.loadBalancerSourceRanges), ...commaList(object.annotations[AZURE_ALLOWED_IP_RANGES])].map((range) => range.trim()))],
        allowedServiceTags: [...new Set(commaList(object.annotations[AZURE_ALLOWED_SERVICE_TAGS]))],
        loadBalancerIPs: ingress.map((item) => text(item.ip)).filter((ip): ip is string => ip !== null),
        loadBalancerHostnames: ingress.map((item) => text(item.hostname)).filter((host): host is string => host !== null),
        externalTrafficPolicy: text(object.spec.externalTrafficPolicy) ?? (serviceType === 'LoadBalancer' || serviceType === 'NodePort' ? 'Cluster' : null),
        clusterIP: text(object.spec.clusterIP),
        externalIPs: texts(object.spec.externalIPs),
        externalName: text(object.spec.externalName),
      },
    });

    const pods = Object.keys(selector).length > 0
      ? cluster.podsIn(object.namespace).filter((pod) => serviceSelectorMatches(selector, pod.labels)).map((pod) => pod.name)
      : endpointPods(object, cluster);
    for (const pod of new Set(pods)) {
      if (cluster.get('Pod', object.namespace, pod)) context.addEdge(id, 'SELECTS', cluster.idFor('Pod', object.namespace, pod));
    }
  },
};
