import { createHash } from 'node:crypto';

/**
 * Id scheme: every Azure node is keyed by its ARM id, lowercased, because ARM
 * compares ids case-insensitively and exports disagree on casing.
 */
export const INTERNET_ID = 'internet';

export function normalizeId(armId: string): string {
  return armId.trim().replace(/\/+$/, '').toLowerCase();
}

export function subscriptionIdOf(armId: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(armId)?.[1]?.toLowerCase();
}

export function resourceGroupNameOf(armId: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(armId)?.[1]?.toLowerCase();
}

export function subscriptionNodeId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}

export function resourceGroupNodeId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}/resourcegroups/${resourceGroup.toLowerCase()}`;
}

/**
 * The id of the top-level resource that owns a child id, e.g. a NIC's ip
 * configuration id → the NIC id, a VMSS instance NIC ipconfig → the VMSS id.
 * Returns undefined when the id is not under a provider namespace.
 */
export function parentResourceId(childId: string): string | undefined {
  const match = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+)/i.exec(childId);
  return match?.[1] ? normalizeId(match[1]) : undefined;
}

/**
 * Managed identities.
 *
 * - A user-assigned identity is an ARM resource
 *   (`…/providers/microsoft.managedidentity/userassignedidentities/<name>`) and
 *   keeps its lowercased ARM id like every other resource.
 * - A system-assigned identity has no resource of its own in list exports; ARM
 *   addresses it as the extension resource
 *   `<resource id>/providers/Microsoft.ManagedIdentity/identities/default`
 *   (REST "System Assigned Identities – Get By Scope"). Its node id is that
 *   path, lowercased: stable, derivable from the host alone, and unique per
 *   host, because a resource has at most one system-assigned identity.
 *
 * Role assignments name identities by `principalId` (the Entra object id), a
 * property of both kinds of identity node.
 */
const SYSTEM_IDENTITY_SUFFIX = '/providers/microsoft.managedidentity/identities/default';

export function systemIdentityNodeId(resourceId: string): string {
  return `${normalizeId(resourceId)}${SYSTEM_IDENTITY_SUFFIX}`;
}

/** The resource a system-assigned identity belongs to, or undefined for any other id. */
export function systemIdentityHostId(identityId: string): string | undefined {
  const id = normalizeId(identityId);
  return id.endsWith(SYSTEM_IDENTITY_SUFFIX) ? id.slice(0, -SYSTEM_IDENTITY_SUFFIX.length) : undefined;
}

/**
 * Attack paths (written by analysis): `attackpath:` + the first 16 hex digits
 * of sha256(entry id | target id | hop ids joined by '>'). The same route
 * through the same graph always gets the same id, across runs and stores; a
 * different route between the same two nodes gets another.
 */
export const ATTACK_PATH_ID_PREFIX = 'attackpath:';

export function attackPathId(entryId: string, targetId: string, hops: readonly string[]): string {
  const digest = createHash('sha256').update(`${entryId}|${targetId}|${hops.join('>')}`).digest('hex');
  return `${ATTACK_PATH_ID_PREFIX}${digest.slice(0, 16)}`;
}

/** Kubernetes objects live under their AKS cluster: `<cluster id>/k8s/<namespace>/<kind>/<name>`. */
export const CLUSTER_SCOPED_NAMESPACE = '_cluster';

/**
 * The id of a Kubernetes object. `kind` is the lowercase singular kind
 * (`deployment`, `pod`, `service`, `networkpolicy`…); cluster-scoped objects
 * (namespaces, nodes, ingress classes) use `_cluster` as their namespace.
 */
export function kubernetesObjectId(clusterId: string, namespace: string | null, kind: string, name: string): string {
  return `${normalizeId(clusterId)}/k8s/${namespace ?? CLUSTER_SCOPED_NAMESPACE}/${kind.toLowerCase()}/${name}`;
}

/** A container image by content: `image:<registry>/<repository>@<algorithm>:<hex>`, lowercased. */
export function containerImageId(registry: string, repository: string, digest: string): string {
  return `image:${registry}/${repository}@${digest}`.toLowerCase();
}
