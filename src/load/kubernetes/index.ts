/**
 * Kubernetes objects from `<snapshot>/kubernetes/<cluster>/` as graph nodes and
 * edges under their AKS cluster. Each cluster folder is matched to a managed
 * cluster of the Azure snapshot (by cluster.json's resourceId, else by name);
 * a folder that matches none (or several) is reported and its objects are
 * left out: ids hang below the cluster's ARM id, and inventing one would give
 * objects that no later snapshot can reconcile.
 */
import type { GraphEdge, GraphNode } from '../../model/graph.js';
import { normalizeId } from '../../model/ids.js';
import type { ArmResource } from '../../snapshot/arm-resource.js';
import type { KubernetesClusterDump, KubernetesKind, KubernetesSnapshot } from '../../snapshot/read-kubernetes.js';
import { type LoadWarning, TransformContext } from '../context.js';
import { ClusterView } from './cluster.js';
import type { KubernetesFamily } from './family.js';
import { kubernetesIngressClasses } from './ingress-classes.js';
import { kubernetesIngresses } from './ingresses.js';
import { kubernetesNamespaces } from './namespaces.js';
import { kubernetesNetworkPolicies } from './network-policies.js';
import { kubernetesNodes } from './nodes.js';
import { kubernetesPods } from './pods.js';
import { kubernetesServiceAccounts } from './service-accounts.js';
import { kubernetesServices } from './services.js';
import { kubernetesWorkloads } from './workloads.js';

/** The order families run in. Each sees the whole dump through ClusterView, so the order only fixes the output order. */
export const KUBERNETES_FAMILIES: readonly KubernetesFamily[] = [
  kubernetesNamespaces,
  kubernetesNodes,
  kubernetesServiceAccounts,
  kubernetesWorkloads,
  kubernetesPods,
  kubernetesServices,
  kubernetesIngressClasses,
  kubernetesIngresses,
  kubernetesNetworkPolicies,
];

export const KUBERNETES_FAMILY_KEYS: readonly string[] = KUBERNETES_FAMILIES.map((family) => family.key);

/** Which family reads each kind; every kind the reader keeps has one. */
export const kubernetesFamilyOf = (kind: KubernetesKind): KubernetesFamily | undefined => KUBERNETES_FAMILIES.find((family) => family.kinds.includes(kind));

const MANAGED_CLUSTER_TYPE = 'microsoft.containerservice/managedclusters';

export interface KubernetesTransformResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
  warnings: LoadWarning[];
  /** Cluster folders loaded (matched to a managed cluster). */
  clusters: number;
  /** Objects of the matched folders, handed to their families (skipped folders excluded). */
  objects: number;
  /** Kinds reachgraph does not model → how many objects of each were left out, over every cluster. */
  unknownKinds: Record<string, number>;
}

/** The managed cluster a folder belongs to, or why none. */
export function resolveCluster(dump: KubernetesClusterDump, resources: readonly ArmResource[]): { id: string } | { problem: string } {
  const clusters = resources.filter((resource) => resource.type.toLowerCase() === MANAGED_CLUSTER_TYPE);
  if (dump.resourceId) {
    const wanted = normalizeId(dump.resourceId);
    return clusters.some((cluster) => normalizeId(cluster.id) === wanted)
      ? { id: wanted }
      : { problem: `cluster.json names ${dump.resourceId}, which is not a managed cluster of this snapshot` };
  }
  const named = clusters.filter((cluster) => (cluster.name ?? cluster.id.split('/').pop() ?? '').toLowerCase() === dump.name.toLowerCase());
  if (named.length === 1) return { id: normalizeId(named[0]!.id) };
  if (named.length === 0) return { problem: `no managed cluster named "${dump.name}" in the Azure snapshot (name the folder after the cluster, or add cluster.json {"resourceId": …})` };
  return {
    problem: `${named.length} managed clusters are named "${dump.name}" (${named.map((cluster) => normalizeId(cluster.id)).join(', ')}); add cluster.json {"resourceId": …} to say which`,
  };
}

function tally(counts: ReadonlyMap<string, number> | Record<string, number>): string {
  const entries = counts instanceof Map ? [...counts.entries()] : Object.entries(counts);
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}

/** Turns every matched cluster's dump into nodes and edges; pure, no store involved. */
export function transformKubernetes(snapshot: KubernetesSnapshot, resources: readonly ArmResource[]): KubernetesTransformResult {
  const context = new TransformContext([]);
  const unknownKinds: Record<string, number> = {};
  const loaded = new Map<string, string>();
  let clusters = 0;
  let objects = 0;

  for (const dump of snapshot.clusters) {
    const subject = dump.folder;
    const resolved = resolveCluster(dump, resources);
    if ('problem' in resolved) {
      context.warn(subject, `${resolved.problem}; its ${dump.objects.length} object(s) were not loaded`);
      continue;
    }
    const earlier = loaded.get(resolved.id);
    if (earlier) {
      context.warn(subject, `${earlier} already holds the objects of ${resolved.id}; this folder was not loaded`);
      continue;
    }
    loaded.set(resolved.id, subject);
    clusters += 1;
    for (const [kind, count] of Object.entries(dump.unknownKinds)) unknownKinds[kind] = (unknownKinds[kind] ?? 0) + count;
    if (dump.duplicates > 0) context.warn(subject, `${dump.duplicates} object(s) appeared in more than one file; the last copy was kept`);
    if (Object.keys(dump.unknownKinds).length > 0) {
      context.warn(subject, `objects of kinds reachgraph does not model were left out: ${tally(dump.unknownKinds)}`);
    }

    const cluster = new ClusterView(resolved.id, dump);
    for (const family of KUBERNETES_FAMILIES) {
      context.within(family.key, cluster.id, () => {
        for (const kind of family.kinds) {
          for (const object of cluster.ofKind(kind)) {
            family.transform(object, cluster, context);
            objects += 1;
          }
        }
      });
    }
    if (cluster.missing.size > 0) {
      context.warn(subject, `references to objects the dump does not hold were left out (dump these kinds too): ${tally(cluster.missing)}`);
    }
  }
  return { nodes: [...context.nodes.values()], edges: [...context.edges.values()], warnings: context.warnings, clusters, objects, unknownKinds };
}

export { ClusterView } from './cluster.js';
export type { KubernetesFamily } from './family.js';
export { parseImageId, parseImageReference } from './images.js';
export { labelSelector, selectorMatches, serviceSelectorMatches } from './selectors.js';
