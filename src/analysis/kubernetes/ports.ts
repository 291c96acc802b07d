/**
 * Port resolution: service ports to the container ports they reach, ingress
 * backends to service ports, and NetworkPolicy port clauses.
 */
import type { NetworkPolicyPort, ServicePort } from '../../model/kubernetes.js';
import type { Protocol } from '../nsg.js';
import type { PodView, ServiceView } from './view.js';

/** Kubernetes protocols the exposure model carries; SCTP has no counterpart and is ignored. */
export function protocolOf(protocol: string | null | undefined): Extract<Protocol, 'tcp' | 'udp'> | null {
  const value = (protocol ?? 'TCP').toUpperCase();
  return value === 'TCP' ? 'tcp' : value === 'UDP' ? 'udp' : null;
}

/** The pod's container port of that name and protocol (as the endpoints controller's FindPort), or null. */
export function namedContainerPort(pod: PodView, name: string, protocol: 'tcp' | 'udp'): number | null {
  for (const container of pod.containers) {
    for (const port of container.ports) {
      if (port.name === name && protocolOf(port.protocol) === protocol) return port.containerPort;
    }
  }
  return null;
}

/**
 * The container port a service port sends to on this pod: a number as-is, a
 * name through the pod's container ports (null when the pod has none of that
 * name: it is then no endpoint of the port), a missing targetPort = the port.
 */
export function resolveTargetPort(servicePort: ServicePort, pod: PodView): number | null {
  const protocol = protocolOf(servicePort.protocol);
  if (!protocol) return null;
  const target = servicePort.targetPort as number | string | null | undefined;
  if (target === null || target === undefined || target === '' || target === 0) return servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return namedContainerPort(pod, target, protocol);
}

/** An ingress backend's service port: by number (`port`) or by name. */
export function servicePortFor(service: ServiceView, ref: number | string): ServicePort | undefined {
  if (typeof ref === 'number' || /^\d+$/.test(ref)) return service.ports.find((port) => port.port === Number(ref));
  return service.ports.find((port) => port.name === ref);
}

/** Whether one NetworkPolicy port clause admits (protocol, port) on the pod: number, named port, endPort range. */
export function policyPortMatches(clause: NetworkPolicyPort, pod: PodView, protocol: 'tcp' | 'udp', port: number): boolean {
  if (protocolOf(clause.protocol) !== protocol) return false;
  const value = clause.port as number | string | null | undefined;
  if (value === null || value === undefined || value === '') return true;
  if (typeof value === 'string' && !/^\d+$/.test(value)) return namedContainerPort(pod, value, protocol) === port;
  const from = Number(value);
  // endPort applies to numeric ports only; Kubernetes requires endPort ≥ port.
  const to = clause.endPort !== null && clause.endPort !== undefined && clause.endPort >= from ? clause.endPort : from;
  return from <= port && port <= to;
}

/** Whether a rule's `ports` admit (protocol, port): empty means every port. */
export function rulePortsMatch(clauses: readonly NetworkPolicyPort[], pod: PodView, protocol: 'tcp' | 'udp', port: number): boolean {
  return clauses.length === 0 || clauses.some((clause) => policyPortMatches(clause, pod, protocol, port));
}
