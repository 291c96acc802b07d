/**
 * Builders for small AKS clusters in tests: the managed cluster as ARM returns
 * it, and Kubernetes objects shaped as `kubectl get … -o json` prints them.
 */
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { type KubernetesClusterDump, type KubernetesObject, readKubernetesObject } from '../../src/snapshot/read-kubernetes.js';
import { SUB } from './arm.js';

export const AKS_RG = `/subscriptions/${SUB}/resourceGroups/rg-aks`;
export const aksId = (name: string, group = AKS_RG) => `${group}/providers/Microsoft.ContainerService/managedClusters/${name}`;

export function aksCluster(name: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ArmResource {
  return {
    id: aksId(name, typeof extra.group === 'string' ? extra.group : AKS_RG),
    name,
    type: 'Microsoft.ContainerService/managedClusters',
    location: 'westeurope',
    properties: {
      kubernetesVersion: '1.29.4',
      fqdn: `${name}-abc123.hcp.westeurope.azmk8s.io`,
      nodeResourceGroup: `MC_rg-aks_${name}_westeurope`,
      networkProfile: { networkPlugin: 'azure', networkPolicy: 'azure' },
      agentPoolProfiles: [{ name: 'system', mode: 'System', count: 2, vmSize: 'Standard_D4s_v5' }],
      ...properties,
    },
    ...Object.fromEntries(Object.entries(extra).filter(([key]) => key !== 'group')),
  };
}

export interface ObjectSpec {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: [kind: string, name: string];
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A raw object as kubectl prints it. */
export function raw(kind: string, name: string, options: ObjectSpec = {}): Record<string, unknown> {
  const { namespace, labels, annotations, owner, spec, status, ...rest } = options;
  return {
    apiVersion: 'v1',
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      uid: `uid-${kind}-${name}`,
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner[0], name: owner[1], uid: `uid-${owner[0]}-${owner[1]}`, controller: true }] } : {}),
    },
    ...(spec ? { spec } : {}),
    ...(status ? { status } : {}),
    ...rest,
  };
}

export function object(kind: string, name: string, options: ObjectSpec = {}): KubernetesObject {
  const read = readKubernetesObject(raw(kind, name, options), 'kubernetes/test.json');
  if (!('kind' in read)) throw new Error(`not a modelled object: ${JSON.stringify(read)}`);
  return read;
}

/** A cluster folder's dump, as the reader would return it. */
export function dump(name: string, objects: KubernetesObject[], resourceId: string | null = null): KubernetesClusterDump {
  return { name, resourceId, folder: `kubernetes/${name}`, files: [], objects, duplicates: 0, unknownKinds: {} };
}

/** A pod template or pod spec with one container. */
export function podSpec(image: string, options: { container?: Record<string, unknown>; pod?: Record<string, unknown> } = {}): Record<string, unknown> {
  return { containers: [{ name: 'main', image, ...options.container }], ...options.pod };
}
