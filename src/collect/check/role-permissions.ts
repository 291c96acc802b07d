/**
 * Whether the roles assigned to the app grant an action, evaluated the way
 * Azure RBAC does: `actions` minus `notActions` (and the same for data
 * actions), `*` matching any run of characters, case-insensitively, with an
 * assignment counting on every scope below its own.
 */
import type { ArmRest } from '../arm/arm-rest.js';

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface EffectiveAssignment {
  scope: string;
  roleName: string;
  permissions: RolePermission[];
}

const pattern = (glob: string): RegExp => new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');

function grants(permission: RolePermission, action: string, data: boolean): boolean {
  const allowed = data ? permission.dataActions : permission.actions;
  const denied = data ? permission.notDataActions : permission.notActions;
  return allowed.some((glob) => pattern(glob).test(action)) && !denied.some((glob) => pattern(glob).test(action));
}

/** True when `scope` is `target` or above it (`/` and management groups are above every subscription). */
export function covers(scope: string, target: string, managementGroupAbove: (scope: string) => boolean): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, '');
  const t = target.toLowerCase();
  if (s === '' || t === s || t.startsWith(`${s}/`)) return true;
  return s.includes('/providers/microsoft.management/managementgroups/') && managementGroupAbove(s);
}

export interface Requirement {
  actions?: readonly string[];
  dataActions?: readonly string[];
}

/** The assignment's roles grant every action and data action of the requirement. */
export function satisfies(assignment: EffectiveAssignment, requirement: Requirement): boolean {
  const has = (action: string, data: boolean): boolean => assignment.permissions.some((permission) => grants(permission, action, data));
  return (requirement.actions ?? []).every((action) => has(action, false)) && (requirement.dataActions ?? []).every((action) => has(action, true));
}

interface RawAssignment {
  properties?: { roleDefinitionId?: string; scope?: string; principalId?: string };
}

export interface RawDefinition {
  properties?: { roleName?: string; permissions?: Array<Partial<RolePermission>> };
}

/** The principal's role assignments visible at `scope` (inherited ones included, as `assignedTo` returns them), with their roles' permissions. */
export async function assignmentsOf(arm: ArmRest, scope: string, objectId: string, definitions: Map<string, Promise<RawDefinition>>): Promise<EffectiveAssignment[]> {
  const assignments: RawAssignment[] = [];
  for await (const item of arm.list(`${scope}/providers/Microsoft.Authorization/roleAssignments`, '2022-04-01', { $filter: `assignedTo('${objectId}')` })) assignments.push(item as RawAssignment);
  return Promise.all(
    assignments.map(async (assignment) => {
      // Read the definition at the subscription being checked: an assignment made at a management group names a tenant-level id (`/providers/…`), which only a role at `/` may read.
      const definitionId = `${scope}/providers/Microsoft.Authorization/roleDefinitions/${String(assignment.properties?.roleDefinitionId ?? '').split('/').pop()}`;
      const key = definitionId.toLowerCase();
      if (!definitions.has(key)) definitions.set(key, arm.get(definitionId, '2022-04-01') as Promise<RawDefinition>);
      const definition = await (definitions.get(key) as Promise<RawDefinition>);
      return {
        scope: String(assignment.properties?.scope ?? ''),
        roleName: String(definition.properties?.roleName ?? definitionId.split('/').pop()),
        permissions: (definition.properties?.permissions ?? []).map((permission) => ({
          actions: permission.actions ?? [],
          notActions: permission.notActions ?? [],
          dataActions: permission.dataActions ?? [],
          notDataActions: permission.notDataActions ?? [],
        })),
      };
    }),
  );
}
