import { describe, expect, it } from 'vitest';
import { controllerFamily, INGRESS_CONTROLLERS } from '../../../src/analysis/kubernetes/ingress.js';
import type { PodView } from '../../../src/analysis/kubernetes/view.js';
import { ids, loadBalancer, lower, publicIp } from '../../helpers/arm.js';
import { ClusterBuilder, container, exposureOfGraph, INGRESS_NGINX_IMAGE } from '../../helpers/kubernetes-graph.js';

const controllerContainer = container('controller', INGRESS_NGINX_IMAGE, [
  { name: 'http', containerPort: 80 },
  { name: 'https', containerPort: 443 },
]);
const api = container('api', 'shop/api', [{ name: 'http', containerPort: 8080 }]);

interface EstateSpec {
  internalController?: boolean;
  controllerRanges?: string[];
  className?: string | null;
  classes?: Array<{ name: string; controller: string; isDefault?: boolean }>;
  controllerImage?: string;
}

/** ingress-nginx behind a LoadBalancer service, an Ingress routing /api to the `api` service. */
function estate(spec: EstateSpec = {}) {
  const cluster = new ClusterBuilder({ privateCluster: true });
  cluster.namespace('ingress-nginx');
  cluster.namespace('shop');
  const controller = cluster.workload('ingress-nginx', 'ingress-nginx-controller', {
    labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    containers: [spec.controllerImage ? container('controller', spec.controllerImage, controllerContainer.ports.map((port) => ({ name: port.name!, containerPort: port.containerPort }))) : controllerContainer],
    replicas: 2,
  });
  const controllerService = cluster.service('ingress-nginx', 'ingress-nginx-controller', {
    type: 'LoadBalancer',
    selector: { 'app.kubernetes.io/name': 'ingress-nginx' },
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'https', port: 443, targetPort: 'https' },
    ],
    ips: ['203.0.113.80'],
    internal: spec.internalController ?? false,
    sourceRanges: spec.controllerRanges ?? [],
  });
  for (const ingressClass of spec.classes ?? [{ name: 'nginx', controller: 'k8s.io/ingress-nginx' }]) {
    cluster.ingressClass(ingressClass.name, ingressClass.controller, ingressClass.isDefault);
  }
  const backend = cluster.workload('shop', 'api', { labels: { app: 'api' }, containers: [api] });
  const backendService = cluster.service('shop', 'api', { selector: { app: 'api' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] });
  const ingress = cluster.ingress('shop', 'api', {
    className: spec.className === undefined ? 'nginx' : spec.className,
    routes: [{ host: 'api.example.com', path: '/api', serviceName: 'api', servicePort: 'web' }],
  });
  const resources = [publicIp('pip-ingress', 'Standard', '203.0.113.80'), loadBalancer({ name: 'kubernetes', publicIp: 'pip-ingress' })];
  return { cluster, controller, controllerService, backend, backendService, ingress, graph: () => cluster.graph(resources) };
}

describe('Ingress exposure', () => {
  it('an Ingress served by a public controller exposes its backend workload on the resolved target port', () => {
    const { backend, backendService, controllerService, ingress, controller, graph } = estate();
    const exposure = exposureOfGraph(graph());
    expect(exposure.get(controller)?.ports).toEqual([
      { protocol: 'tcp', from: 80, to: 80 },
      { protocol: 'tcp', from: 443, to: 443 },
    ]);
    const asset = exposure.get(backend);
    expect(asset).toMatchObject({ kind: 'KubernetesWorkload', width: 'wide', ports: [{ protocol: 'tcp', from: 8080, to: 8080 }] });
    expect(asset?.path).toEqual(['internet', lower(ids.pip('pip-ingress')), lower(ids.lb('kubernetes')), controllerService, ingress, backendService, backend]);
    expect(asset?.entryPoints.map((entry) => [entry.type, entry.forwarder, entry.frontendPorts?.from, entry.address])).toEqual([
      ['kubernetes-ingress', ingress, 80, '203.0.113.80'],
      ['kubernetes-ingress', ingress, 443, '203.0.113.80'],
    ]);
  });

  it('takes the width of the controller service', () => {
    const { backend, graph } = estate({ controllerRanges: ['198.51.100.0/24'] });
    const asset = exposureOfGraph(graph()).get(backend);
    expect(asset?.width).toBe('narrow');
    expect(asset?.entryPoints[0]?.sources).toEqual(['198.51.100.0/24']);
  });

  it('an Ingress behind an internal controller is not exposed', () => {
    const { graph } = estate({ internalController: true });
    expect(exposureOfGraph(graph()).size).toBe(0);
  });

  it('an Ingress of a class no reachable controller serves is not exposed', () => {
    const { backend, graph } = estate({ className: 'traefik', classes: [{ name: 'nginx', controller: 'k8s.io/ingress-nginx' }, { name: 'traefik', controller: 'traefik.io/ingress-controller' }] });
    expect(exposureOfGraph(graph()).has(backend)).toBe(false);
  });

  it('an Ingress without class goes to the default IngressClass controller', () => {
    const served = estate({ className: null, classes: [{ name: 'nginx', controller: 'k8s.io/ingress-nginx', isDefault: true }] });
    expect(exposureOfGraph(served.graph()).has(served.backend)).toBe(true);
    const otherDefault = estate({
      className: null,
      classes: [
        { name: 'nginx', controller: 'k8s.io/ingress-nginx' },
        { name: 'traefik', controller: 'traefik.io/ingress-controller', isDefault: true },
      ],
    });
    expect(exposureOfGraph(otherDefault.graph()).has(otherDefault.backend)).toBe(false);
  });

  it('an Ingress without class and no default class goes to the cluster’s only controller', () => {
    const { backend, graph } = estate({ className: null, classes: [] });
    expect(exposureOfGraph(graph()).has(backend)).toBe(true);
  });

  it('a class with no IngressClass object is matched by its conventional name', () => {
    const { backend, graph } = estate({ className: 'nginx', classes: [] });
    expect(exposureOfGraph(graph()).has(backend)).toBe(true);
  });

  it('the IngressClass controller picks the controller by image family (traefik class, traefik image)', () => {
    const { backend, graph } = estate({ controllerImage: 'traefik', className: 'web', classes: [{ name: 'web', controller: 'traefik.io/ingress-controller' }] });
    expect(exposureOfGraph(graph()).has(backend)).toBe(true);
  });

  it('a route to a missing service or service port exposes nothing', () => {
    const { cluster, backend, graph } = estate();
    cluster.nodes.find((node) => node.kind === 'KubernetesIngress')!.properties.routes = JSON.stringify([
      { host: null, path: '/', serviceName: 'api', servicePort: 'grpc' },
      { host: null, path: '/', serviceName: 'missing', servicePort: 80 },
    ]);
    expect(exposureOfGraph(graph()).has(backend)).toBe(false);
  });
});

describe('ingress controller images', () => {
  const pod = (...repositories: string[]) => ({ containers: repositories.map((repository) => container('c', repository)) }) as PodView;

  it.each([
    ['ingress-nginx/controller', 'ingress-nginx'],
    ['oss/kubernetes/ingress/nginx-ingress-controller', 'ingress-nginx'],
    ['nginx/nginx-ingress', 'nginx-ingress'],
    ['library/traefik', 'traefik'],
    ['haproxytech/kubernetes-ingress', 'haproxy-ingress'],
    ['projectcontour/contour', 'contour'],
    ['kong/kubernetes-ingress-controller', 'kong'],
    ['emissary-ingress/emissary', 'emissary'],
    ['datawire/ambassador', 'emissary'],
    ['istio/proxyv2', 'istio'],
  ])('%s is %s', (repository, family) => {
    expect(controllerFamily(pod(repository))).toBe(family);
  });

  it('an Istio sidecar beside an application is no gateway, and look-alike names do not match', () => {
    expect(controllerFamily(pod('shop/api', 'istio/proxyv2'))).toBeNull();
    expect(controllerFamily(pod('acme/hongkong'))).toBeNull();
    expect(controllerFamily(pod('acme/traefik-dashboard-exporter'))).toBeNull();
  });

  it('keeps every controller in one list', () => {
    expect(INGRESS_CONTROLLERS.map((candidate) => candidate.family)).toContain('ingress-nginx');
  });
});
