/**
 * Ingresses: their routes (rules, paths and the default backend flattened)
 * and ROUTES_TO_SERVICE edges to the services they name. Both the
 * networking.k8s.io/v1 backend shape (`service.name`, `service.port.number|name`)
 * and the older extensions/v1beta1 one (`serviceName`, `servicePort`) are read.
 */
import type { IngressRoute } from '../../model/kubernetes.js';
import { asObject, integer, objects, text, texts } from '../raw.js';
import type { KubernetesFamily } from './family.js';

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

function backend(raw: unknown): { serviceName: string; servicePort: number | string } | null {
  const object = asObject(raw);
  if (!object) return null;
  const service = asObject(object.service);
  const serviceName = text(service?.name) ?? text(object.serviceName);
  if (!serviceName) return null;
  const port = asObject(service?.port);
  const servicePort = integer(port?.number) ?? text(port?.name) ?? integer(object.servicePort) ?? text(object.servicePort);
  return servicePort === null ? null : { serviceName, servicePort };
}

export function ingressRoutes(spec: Record<string, unknown>): IngressRoute[] {
  const routes: IngressRoute[] = [];
  for (const rule of objects(spec.rules)) {
    const host = text(rule.host);
    for (const path of objects(asObject(rule.http)?.paths)) {
      const target = backend(path.backend);
      if (target) routes.push({ host, path: text(path.path), ...target });
    }
  }
  const fallback = backend(spec.defaultBackend ?? spec.backend);
  if (fallback) routes.push({ host: null, path: null, ...fallback });
  return routes;
}

export const kubernetesIngresses: KubernetesFamily = {
  key: 'kubernetesIngresses',
  name: 'Kubernetes ingresses',
  kinds: ['Ingress'],
  transform(object, cluster, context) {
    const routes = ingressRoutes(object.spec);
    const id = cluster.linkObject(object, context);
    context.addNode({
      id,
      kind: 'KubernetesIngress',
      properties: {
        ...cluster.baseProperties(object),
        ingressClassName: text(object.spec.ingressClassName) ?? object.annotations[INGRESS_CLASS_ANNOTATION]?.trim() ?? null,
        routes: JSON.stringify(routes),
        tlsHosts: [...new Set(objects(object.spec.tls).flatMap((tls) => texts(tls.hosts)))],
        loadBalancerIPs: objects(asObject(object.status.loadBalancer)?.ingress)
          .map((item) => text(item.ip))
          .filter((ip): ip is string => ip !== null),
      },
    });
    // One edge per backend service; it carries the first route to it (the node's `routes` has them all).
    const seen = new Set<string>();
    for (const route of routes) {
      if (!cluster.get('Service', object.namespace, route.serviceName)) {
        cluster.noteMissing('Service');
        continue;
      }
      const serviceId = cluster.idFor('Service', object.namespace, route.serviceName);
      if (seen.has(serviceId)) continue;
      seen.add(serviceId);
      context.addEdge(id, 'ROUTES_TO_SERVICE', serviceId, {
        host: route.host,
        path: route.path,
        port: route.servicePort,
        routes: routes.filter((candidate) => candidate.serviceName === route.serviceName).length,
      });
    }
  },
};
