/**
 * Azure RBAC: role assignments become HAS_ROLE edges from the principal's node
 * to the node of the assignment's scope; role definitions name and classify
 * the roles. Neither becomes a node of its own.
 *
 * Principals resolve only to managed identities in the snapshot. Users,
 * groups and service principals live in Entra ID, which reachgraph does not
 * collect yet: their assignments are counted and reported in one warning.
 */
import { edgeKey } from '../../model/graph.js';
import { normalizeId } from '../../model/ids.js';
import {
  BUILT_IN_ROLES,
  classifyPermissions,
  decodeRoleGrants,
  encodeRoleGrants,
  type RoleClass,
  type RoleGrant,
  roleDefinitionGuid,
  type RolePermission,
} from '../../model/roles.js';
import type { ArmResource } from '../../snapshot/arm-resource.js';
import type { TransformContext } from '../context.js';
import { objects, propertiesOf, text, texts } from '../raw.js';
import type { ResourceFamily } from './family.js';
import { managedIdentityByPrincipal } from './identities.js';

const ROLE_ASSIGNMENTS = 'microsoft.authorization/roleassignments';
const ROLE_DEFINITIONS = 'microsoft.authorization/roledefinitions';

interface Tally {
  /** principalType → assignments whose principal is not a managed identity in the snapshot. */
  unknownPrincipals: Map<string, number>;
  /** Assignments at management-group or root scope. */
  unsupportedScopes: number;
  /** Role definition GUIDs neither exported nor well known. */
  unknownDefinitions: Set<string>;
  unknownDefinitionAssignments: number;
}

function tally(context: TransformContext): Tally {
  return context.memo<Tally>('authorization/tally', () => ({
    unknownPrincipals: new Map(),
    unsupportedScopes: 0,
    unknownDefinitions: new Set(),
    unknownDefinitionAssignments: 0,
  }));
}

function definitionsByGuid(context: TransformContext): Map<string, ArmResource> {
  return context.memo('authorization/definitions', () => {
    const index = new Map<string, ArmResource>();
    for (const resource of context.allResources()) {
      if (resource.type.toLowerCase() !== ROLE_DEFINITIONS) continue;
      const guid = roleDefinitionGuid(text(resource.name) ?? resource.id);
      index.set(guid || roleDefinitionGuid(resource.id), resource);
    }
    return index;
  });
}

function permissionsOf(definition: ArmResource): RolePermission[] {
  return objects(propertiesOf(definition).permissions).map((permission) => ({
    actions: texts(permission.actions),
    notActions: texts(permission.notActions),
    dataActions: texts(permission.dataActions),
    notDataActions: texts(permission.notDataActions),
  }));
}

/** Name and class of a role: the exported definition names it; the built-in table, else its permissions, classify it. */
function resolveRole(roleDefinitionId: string, context: TransformContext): { name: string; role: RoleClass | null } {
  const guid = roleDefinitionGuid(roleDefinitionId);
  const definition = definitionsByGuid(context).get(guid);
  const builtIn = BUILT_IN_ROLES.get(guid);
  const name = text(propertiesOf(definition).roleName) ?? builtIn?.name ?? guid;
  if (builtIn) return { name, role: { privilege: builtIn.privilege, dataKinds: [...builtIn.dataKinds] } };
  return { name, role: definition ? classifyPermissions(permissionsOf(definition)) : null };
}

/** The assignment's scope as a node id, or null for management-group and root scopes (not modelled). */
function scopeOf(resource: ArmResource): string | null {
  const declared = text(propertiesOf(resource).scope);
  const scope = normalizeId(declared ?? resource.id.replace(/\/providers\/microsoft\.authorization\/roleassignments\/[^/]+\/*$/i, ''));
  return /^\/subscriptions\/[^/]+/.test(scope) ? scope : null;
}

function transformRoleAssignment(resource: ArmResource, context: TransformContext): void {
  const properties = propertiesOf(resource);
  const principalId = text(properties.principalId)?.trim().toLowerCase();
  const roleDefinitionId = text(properties.roleDefinitionId);
  if (!principalId || !roleDefinitionId) {
    context.warn(normalizeId(resource.id), 'role assignment without principalId or roleDefinitionId; left out');
    return;
  }
  const counts = tally(context);
  const scope = scopeOf(resource);
  if (!scope) {
    counts.unsupportedScopes += 1;
    return;
  }
  const identityId = managedIdentityByPrincipal(context).get(principalId);
  const principalType = text(properties.principalType) ?? 'Unknown';
  if (!identityId) {
    counts.unknownPrincipals.set(principalType, (counts.unknownPrincipals.get(principalType) ?? 0) + 1);
    return;
  }
  const { name, role } = resolveRole(roleDefinitionId, context);
  if (!role) {
    counts.unknownDefinitions.add(roleDefinitionGuid(roleDefinitionId));
    counts.unknownDefinitionAssignments += 1;
  }
  const grant: RoleGrant = {
    roleAssignmentId: normalizeId(resource.id),
    roleDefinitionId: normalizeId(roleDefinitionId),
    roleName: name,
    privilege: role?.privilege ?? 'other',
    dataKinds: role?.dataKinds ?? [],
  };
  // Every assignment of this principal at this scope shares one edge (see encodeRoleGrants).
  const existing = context.edges.get(edgeKey({ source: identityId, kind: 'HAS_ROLE', target: scope }));
  const grants = existing ? decodeRoleGrants(existing.properties) : [];
  context.addEdge(identityId, 'HAS_ROLE', scope, { ...encodeRoleGrants([...grants, grant]), principalId, principalType });
}

/** '1 role assignment names a principal' / '3 role assignments name principals'. */
function phrase(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export const authorization: ResourceFamily = {
  key: 'authorization',
  name: 'role assignments and definitions',
  armTypes: [ROLE_ASSIGNMENTS, ROLE_DEFINITIONS],
  transform(resource, context) {
    // Role definitions only name and classify the roles assignments refer to.
    if (resource.type.toLowerCase() === ROLE_ASSIGNMENTS) transformRoleAssignment(resource, context);
  },
  finish(context) {
    const counts = tally(context);
    const unknown = [...counts.unknownPrincipals].sort(([a], [b]) => a.localeCompare(b));
    const total = unknown.reduce((sum, [, n]) => sum + n, 0);
    if (total > 0) {
      context.warn(
        ROLE_ASSIGNMENTS,
        `${phrase(total, 'role assignment names a principal that is not a managed identity', 'role assignments name principals that are not managed identities')} in this snapshot ` +
          `(${unknown.map(([type, n]) => `${type} ${n}`).join(', ')}); users, groups and service principals come from ` +
          `Entra ID, which reachgraph does not collect yet, so those assignments were left out`,
      );
    }
    if (counts.unsupportedScopes > 0) {
      context.warn(
        ROLE_ASSIGNMENTS,
        `${phrase(counts.unsupportedScopes, 'role assignment at management-group or root scope was', 'role assignments at management-group or root scope were')} left out; ` +
          `reachgraph models subscription, resource-group and resource scopes`,
      );
    }
    if (counts.unknownDefinitionAssignments > 0) {
      const guids = [...counts.unknownDefinitions].sort();
      context.warn(
        ROLE_DEFINITIONS,
        `${phrase(counts.unknownDefinitionAssignments, 'role assignment uses a role definition', 'role assignments use role definitions')} that ` +
          `neither the snapshot nor the well-known built-in roles describe (${guids.slice(0, 5).join(', ')}${guids.length > 5 ? ', …' : ''}); they count as ` +
          `privilege 'other'. Export "authorizationresources | where type =~ 'microsoft.authorization/roledefinitions'" to classify them`,
      );
    }
  },
};
