/**
 * Ingress: an ingress controller is a pod running a known controller image
 * that the internet reaches (through a public LoadBalancer service, or a
 * NodePort or hostPort on a node with a public IP). Each Ingress its class
 * puts in the controller's charge exposes, for every route, the backend
 * service's selected workloads on the resolved target ports — if their
 * NetworkPolicies admit the controller's pods — with the width of the
 * controller's own exposure.
 *
 * Which controller serves an Ingress: its class's IngressClass `controller`
 * (or, for a class with no IngressClass object, the conventional class names
 * below); an Ingress without class goes to the default IngressClass's
 * controller, else to the cluster's controller when it has exactly one.
 */
import type { Width } from '../reach.js';
import { assetOf, deliver, type KubernetesContext, memo, type PodReach } from './context.js';
import { protocolOf, resolveTargetPort, servicePortFor } from './ports.js';
import type { IngressView, PodView } from './view.js';

export interface IngressControllerFamily {
  family: string;
  /** Matched against a container image's repository (registry excluded). */
  image: RegExp;
  /** IngressClass `spec.controller` values. */
  controllers: readonly string[];
  /** Class names the controller answers by convention, for classes with no IngressClass object. */
  classNames: readonly string[];
  /** The image is also a sidecar (Istio's proxy): only a pod running it alone is a gateway. */
  onlyContainer?: boolean;
}

/** Known ingress controllers, in match order (ingress-nginx before F5's nginx-ingress). */
export const INGRESS_CONTROLLERS: readonly IngressControllerFamily[] = [
  {
    family: 'ingress-nginx',
    // registry.k8s.io/ingress-nginx/controller; older and AKS app-routing builds: …/nginx-ingress-controller.
    image: /(^|\/)ingress-nginx(\/|-|$)|(^|\/)nginx-ingress-controller$/,
    controllers: ['k8s.io/ingress-nginx', 'approuting.kubernetes.azure.com'],
    classNames: ['nginx', 'webapprouting.kubernetes.azure.com'],
  },
  { family: 'nginx-ingress', image: /(^|\/)nginx-(plus-)?ingress$/, controllers: ['nginx.org/ingress-controller'], classNames: ['nginx'] },
  { family: 'traefik', image: /(^|\/)traefik$/, controllers: ['traefik.io/ingress-controller'], classNames: ['traefik'] },
  {
    family: 'haproxy-ingress',
    image: /(^|\/)haproxy-ingress$|(^|\/)haproxytech\/kubernetes-ingress$/,
    controllers: ['haproxy-ingress.github.io/controller', 'haproxy.org/ingress-controller/haproxy'],
    classNames: ['haproxy'],
  },
  // Contour's envoy pods carry a contour shutdown-manager container.
  { family: 'contour', image: /(^|\/)contour$/, controllers: ['projectcontour.io/contour', 'projectcontour.io/ingress-controller'], classNames: ['contour'] },
  {
    family: 'kong',
    image: /(^|\/)kong(-gateway)?$|^kong\/kubernetes-ingress-controller$/,
    controllers: ['ingress-controllers.konghq.com/kong'],
    classNames: ['kong'],
  },
  { family: 'emissary', image: /(^|\/)(emissary|emissary-ingress|ambassador)$/, controllers: ['getambassador.io/ingress-controller'], classNames: ['ambassador'] },
  { family: 'istio', image: /(^|\/)proxyv2$|(^|\/)istio\/gateway$/, controllers: ['istio.io/ingress-controller'], classNames: ['istio'], onlyContainer: true },
];

/** The controller family a pod runs, or null. */
export function controllerFamily(pod: PodView): string | null {
  for (const candidate of INGRESS_CONTROLLERS) {
    const matches = pod.containers.some((container) => candidate.image.test(container.repository ?? ''));
    if (matches && (!candidate.onlyContainer || pod.containers.length === 1)) return candidate.family;
  }
  return null;
}

function familiesForController(controller: string | null): string[] {
  return INGRESS_CONTROLLERS.filter((candidate) => controller !== null && candidate.controllers.includes(controller)).map((candidate) => candidate.family);
}

/** Which controllers serve the Ingress: a test on (family, controller asset). */
export function servedBy(ctx: KubernetesContext, ingress: IngressView): (family: string, assetId: string) => boolean {
  const view = ctx.view;
  const classes = [...view.ingressClasses.values()].filter((candidate) => candidate.clusterId === ingress.clusterId);
  if (ingress.className) {
    const ingressClass = classes.find((candidate) => candidate.name === ingress.className);
    const families = ingressClass
      ? familiesForController(ingressClass.controller)
      : INGRESS_CONTROLLERS.filter((candidate) => candidate.classNames.includes(ingress.className!)).map((candidate) => candidate.family);
    return (family) => families.includes(family);
  }
  const defaults = classes.filter((candidate) => candidate.isDefault).flatMap((candidate) => familiesForController(candidate.controller));
  if (defaults.length > 0) return (family) => defaults.includes(family);
  const controllers = memo(ctx, `ingress-controllers|${ingress.clusterId}`, () =>
    new Set([...view.pods.values()].filter((pod) => pod.clusterId === ingress.clusterId && controllerFamily(pod)).map((pod) => assetOf(view, pod))),
  );
  const [only] = controllers;
  return controllers.size === 1 ? (_family, assetId) => assetId === only : () => false;
}

/** Reaches of one controller through one way in, with every controller pod reached that way. */
interface ControllerFrontend {
  family: string;
  clusterId: string;
  assetId: string;
  pods: PodView[];
  via: string[];
  width: Width;
  sample: PodReach['reach'];
  decidedBy: Set<string>;
  sources: Set<string>;
}

function controllerFrontends(reaches: readonly PodReach[]): ControllerFrontend[] {
  const groups = new Map<string, ControllerFrontend>();
  for (const { reach, pod, via } of reaches) {
    const family = controllerFamily(pod);
    if (!family || reach.protocol !== 'tcp') continue;
    const { entry } = reach;
    const key = [family, reach.assetId, via.join('>'), entry.type, entry.publicIpId, entry.forwarder, entry.frontendPorts?.from, reach.width].join('|');
    let group = groups.get(key);
    if (!group) {
      group = { family, clusterId: pod.clusterId, assetId: reach.assetId, pods: [], via, width: reach.width, sample: reach, decidedBy: new Set(), sources: new Set() };
      groups.set(key, group);
    }
    if (!group.pods.includes(pod)) group.pods.push(pod);
    for (const rule of entry.decidedBy) group.decidedBy.add(rule);
    for (const source of entry.sources) group.sources.add(source);
  }
  return [...groups.values()];
}

/** Ingress routes behind every internet-reached controller. `reaches` are the reaches found so far. */
export function reachThroughIngresses(ctx: KubernetesContext, reaches: readonly PodReach[]): PodReach[] {
  const frontends = controllerFrontends(reaches);
  if (frontends.length === 0) return [];
  const result: PodReach[] = [];
  for (const ingress of ctx.view.ingresses) {
    const serves = servedBy(ctx, ingress);
    for (const frontend of frontends) {
      if (frontend.clusterId !== ingress.clusterId || !serves(frontend.family, frontend.assetId)) continue;
      for (const route of ingress.routes) {
        const service = ctx.view.servicesByName.get(`${ingress.clusterId}|${ingress.namespace}|${route.serviceName}`);
        const servicePort = service && service.serviceType !== 'ExternalName' ? servicePortFor(service, route.servicePort) : undefined;
        if (!service || !servicePort || protocolOf(servicePort.protocol) !== 'tcp') continue;
        for (const podId of service.podIds) {
          const pod = ctx.view.pods.get(podId);
          const port = pod ? resolveTargetPort(servicePort, pod) : null;
          if (!pod || port === null) continue;
          const reach = deliver(ctx, {
            pod,
            protocol: 'tcp',
            port,
            origin: { kind: 'pods', pods: frontend.pods },
            via: [...frontend.via, ingress.id, service.id],
            entry: {
              type: 'kubernetes-ingress',
              publicIpId: frontend.sample.entry.publicIpId,
              address: frontend.sample.entry.address,
              forwarder: ingress.id,
              frontendPorts: frontend.sample.entry.frontendPorts,
            },
            decidedBy: [...frontend.decidedBy],
            width: frontend.width,
            sources: [...frontend.sources].sort(),
          });
          if (reach) result.push(reach);
        }
      }
    }
  }
  return result;
}
