/**
 * Managed identities: user-assigned identity resources, and the `identity`
 * block any resource may carry (a system-assigned identity, user-assigned
 * identities it uses). Id scheme in model/ids.ts.
 */
import { normalizeId, resourceGroupNameOf, subscriptionIdOf, systemIdentityNodeId } from '../../model/ids.js';
import type { ArmResource } from '../../snapshot/arm-resource.js';
import type { TransformContext } from '../context.js';
import { asObject, propertiesOf, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

const USER_ASSIGNED_TYPE = 'microsoft.managedidentity/userassignedidentities';

function lowerOrNull(value: unknown): string | null {
  return text(value)?.trim().toLowerCase() || null;
}

export const managedIdentities: ResourceFamily = {
  key: 'managedIdentities',
  name: 'managed identities',
  armTypes: [USER_ASSIGNED_TYPE],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    context.addResourceNode(resource, 'ManagedIdentity', {
      identityType: 'UserAssigned',
      principalId: lowerOrNull(properties.principalId),
      clientId: lowerOrNull(properties.clientId),
      tenantId: lowerOrNull(properties.tenantId),
      hostId: null,
    });
  },
};

interface IdentityBlock {
  system: { principalId: string | null; tenantId: string | null } | null;
  /** User-assigned identity id (lowercased) → the principal id the host's block reports for it, if any. */
  userAssigned: Map<string, string | null>;
}

/** Reads `identity` as ARM writes it: type 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned' or 'None'. */
function identityBlock(resource: ArmResource): IdentityBlock | null {
  const identity = asObject(resource.identity);
  if (!identity) return null;
  const type = (text(identity.type) ?? '').replace(/\s+/g, '').toLowerCase();
  if (type === 'none') return null;
  const userAssigned = new Map<string, string | null>();
  for (const [id, details] of Object.entries(asObject(identity.userAssignedIdentities) ?? {})) {
    userAssigned.set(normalizeId(id), lowerOrNull(asObject(details)?.principalId));
  }
  const system = type.split(',').includes('systemassigned')
    ? { principalId: lowerOrNull(identity.principalId), tenantId: lowerOrNull(identity.tenantId) }
    : null;
  return system || userAssigned.size > 0 ? { system, userAssigned } : null;
}

/**
 * Adds a resource's system-assigned identity node and its USES_IDENTITY
 * edges. Called for every resource inside that resource's own family, so
 * these items are stamped with the host's family and scope: they come from
 * the host's document and go when the host (or its identity) goes.
 */
export function transformIdentityBlock(resource: ArmResource, context: TransformContext): void {
  const block = identityBlock(resource);
  if (!block) return;
  const hostId = normalizeId(resource.id);
  if (block.system) {
    const id = systemIdentityNodeId(resource.id);
    context.addNode({
      id,
      kind: 'ManagedIdentity',
      properties: {
        name: `${resource.name ?? hostId.split('/').pop() ?? hostId} (system-assigned)`,
        armType: 'microsoft.managedidentity/identities',
        location: resource.location ?? null,
        subscriptionId: subscriptionIdOf(hostId) ?? null,
        resourceGroup: resourceGroupNameOf(hostId) ?? null,
        tags: [],
        identityType: 'SystemAssigned',
        principalId: block.system.principalId,
        clientId: null,
        tenantId: block.system.tenantId,
        hostId,
      },
    });
    context.addEdge(hostId, 'USES_IDENTITY', id, { identityType: 'SystemAssigned' });
  }
  for (const identityId of block.userAssigned.keys()) {
    context.addEdge(hostId, 'USES_IDENTITY', identityId, { identityType: 'UserAssigned' });
  }
}

/**
 * principalId (lowercased) → managed identity node id, over the whole
 * snapshot: user-assigned identity resources first, then identity blocks
 * (system-assigned principals, and user-assigned principals the host reports
 * for identities whose resource is not in the snapshot).
 */
export function managedIdentityByPrincipal(context: TransformContext): Map<string, string> {
  return context.memo('managedIdentities/byPrincipal', () => {
    const index = new Map<string, string>();
    const resources = [...context.allResources()];
    for (const resource of resources) {
      if (resource.type.toLowerCase() !== USER_ASSIGNED_TYPE) continue;
      const principalId = lowerOrNull(propertiesOf(resource).principalId);
      if (principalId) index.set(principalId, normalizeId(resource.id));
    }
    for (const resource of resources) {
      const block = identityBlock(resource);
      if (block?.system?.principalId && !index.has(block.system.principalId)) {
        index.set(block.system.principalId, systemIdentityNodeId(resource.id));
      }
      for (const [identityId, principalId] of block?.userAssigned ?? []) {
        if (principalId && !index.has(principalId)) index.set(principalId, identityId);
      }
    }
    return index;
  });
}
