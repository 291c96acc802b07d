/**
 * Where each modelled kind is listed across all namespaces, and what to tell
 * the user when the API server refuses it. Typed over every KubernetesKind so
 * a kind the reader learns cannot be forgotten here; Secrets and ConfigMaps
 * are not modelled and so are never listed.
 */
import type { KubernetesKind } from '../../snapshot/read-kubernetes.js';

export interface KindResource {
  kind: KubernetesKind;
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  clusterScoped: boolean;
}

const table: Record<KubernetesKind, [group: string, version: string, plural: string, clusterScoped?: true]> = {
  Namespace: ['', 'v1', 'namespaces', true],
  Node: ['', 'v1', 'nodes', true],
  Pod: ['', 'v1', 'pods'],
  Deployment: ['apps', 'v1', 'deployments'],
  ReplicaSet: ['apps', 'v1', 'replicasets'],
  StatefulSet: ['apps', 'v1', 'statefulsets'],
  DaemonSet: ['apps', 'v1', 'daemonsets'],
  Job: ['batch', 'v1', 'jobs'],
  CronJob: ['batch', 'v1', 'cronjobs'],
  Service: ['', 'v1', 'services'],
  EndpointSlice: ['discovery.k8s.io', 'v1', 'endpointslices'],
  Ingress: ['networking.k8s.io', 'v1', 'ingresses'],
  IngressClass: ['networking.k8s.io', 'v1', 'ingressclasses', true],
  NetworkPolicy: ['networking.k8s.io', 'v1', 'networkpolicies'],
  ServiceAccount: ['', 'v1', 'serviceaccounts'],
};

export function resourceOf(kind: KubernetesKind): KindResource {
  const [group, version, plural, clusterScoped] = table[kind];
  return { kind, group, version, plural, clusterScoped: clusterScoped === true };
}

export const apiVersionOf = (resource: KindResource): string => (resource.group ? `${resource.group}/${resource.version}` : resource.version);

/** The cluster-wide list path: `/api/v1/pods`, `/apis/apps/v1/deployments`. */
export const listPathOf = (resource: KindResource): string =>
  resource.group ? `/apis/${resource.group}/${resource.version}/${resource.plural}` : `/api/${resource.version}/${resource.plural}`;

/** The file kubectl users name a kind's dump after, as in examples/: `pods.json`. */
export const fileNameOf = (resource: KindResource): string => `${resource.plural}.json`;

/**
 * 403: who may list what. With Azure RBAC for Kubernetes the data action is
 * `Microsoft.ContainerService/managedClusters/<group>/<plural>/read`; the
 * built-in reader role is namespaced in spirit, so cluster-wide kinds get the
 * data action spelled out.
 */
export function forbiddenFix(resource: KindResource): string {
  const dataAction = `Microsoft.ContainerService/managedClusters/${resource.group ? `${resource.group}/` : ''}${resource.plural}/read`;
  const listRule = `a Kubernetes ClusterRole that may list ${resource.plural}${resource.group ? ` in API group ${resource.group}` : ''}, bound to it`;
  if (resource.clusterScoped && resource.kind !== 'Namespace') {
    return `grant the app the data action ${dataAction} on the cluster (Azure Kubernetes Service RBAC Reader covers namespaced objects; add a custom role for ${resource.plural}), or with Kubernetes RBAC ${listRule}`;
  }
  return `grant the app Azure Kubernetes Service RBAC Reader on the cluster (data action ${dataAction}), or with Kubernetes RBAC ${listRule}`;
}
