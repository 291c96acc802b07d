/**
 * Azure RBAC as reachgraph models it: what a role lets its holder do, reduced
 * to a privilege class, and how role assignments are written on HAS_ROLE edges.
 *
 * Privilege classes, strongest first:
 *   owner              every action, including granting roles;
 *   user-access-admin  can grant roles (so can make itself owner);
 *   contributor        can write every resource type, cannot grant roles;
 *   data               reads or manages the data of some crown-jewel kinds
 *                      (`dataKinds`): Key Vault secrets/keys, storage data or keys;
 *   other              anything else (e.g. Virtual Machine Contributor);
 *   reader             read-only control plane.
 */
import type { Properties } from './graph.js';
import type { NodeKind } from './kinds.js';

export const Privileges = ['owner', 'user-access-admin', 'contributor', 'data', 'other', 'reader'] as const;
export type Privilege = (typeof Privileges)[number];

/** Higher is stronger; 'none' (no role at all) is 0. */
export const PRIVILEGE_RANK: Readonly<Record<Privilege | 'none', number>> = {
  owner: 6,
  'user-access-admin': 5,
  contributor: 4,
  data: 3,
  other: 2,
  reader: 1,
  none: 0,
};

/** Roles that control everything under their scope (including taking over a subscription). */
export const ADMIN_PRIVILEGES: readonly Privilege[] = ['owner', 'user-access-admin', 'contributor'];

export function isPrivilege(value: unknown): value is Privilege {
  return typeof value === 'string' && (Privileges as readonly string[]).includes(value);
}

export interface RoleClass {
  privilege: Privilege;
  /** For `data`: the node kinds whose data the role reaches. Empty otherwise. */
  dataKinds: NodeKind[];
}

interface BuiltInRole extends RoleClass {
  name: string;
}

const admin = (name: string, privilege: Privilege): BuiltInRole => ({ name, privilege, dataKinds: [] });
const data = (name: string, kind: NodeKind): BuiltInRole => ({ name, privilege: 'data', dataKinds: [kind] });

/**
 * Well-known built-in roles by definition GUID (identical in every tenant).
 * Used when a snapshot carries no role definitions, and in preference to
 * classifying a built-in role's permissions. Every GUID was checked against
 * Microsoft's built-in roles reference and real deployment templates.
 */
export const BUILT_IN_ROLES: ReadonlyMap<string, BuiltInRole> = new Map([
  ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', admin('Owner', 'owner')],
  ['b24988ac-6180-42a0-ab88-20f7382dd24c', admin('Contributor', 'contributor')],
  ['acdd72a7-3385-48ef-bd42-f606fba81ae7', admin('Reader', 'reader')],
  ['18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', admin('User Access Administrator', 'user-access-admin')],
  ['f58310d9-a9f6-439a-9e8d-f62e7b41a168', admin('Role Based Access Control Administrator', 'user-access-admin')],
  ['00482a5a-887f-4fb3-b363-3b7fe8e74483', data('Key Vault Administrator', 'KeyVault')],
  ['b86a8fe4-44ce-4948-aee5-eccb2c155cd7', data('Key Vault Secrets Officer', 'KeyVault')],
  ['4633458b-17de-408a-b874-0445c86b69e6', data('Key Vault Secrets User', 'KeyVault')],
  ['14b46e9e-c2b7-41b4-b07b-48a6ebf60603', data('Key Vault Crypto Officer', 'KeyVault')],
  ['12338af0-0e69-4776-bea7-57ae8d297424', data('Key Vault Crypto User', 'KeyVault')],
  ['b7e6dc6d-f1e8-4753-8033-0f276bb0955b', data('Storage Blob Data Owner', 'StorageAccount')],
  ['ba92f5b4-2d11-453d-a403-e96b0029c9fe', data('Storage Blob Data Contributor', 'StorageAccount')],
  ['2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', data('Storage Blob Data Reader', 'StorageAccount')],
  ['974c5e8b-45b9-4653-ba55-5f855dd0fb88', data('Storage Queue Data Contributor', 'StorageAccount')],
  ['0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', data('Storage Table Data Contributor', 'StorageAccount')],
  // Control plane, but it lists the account keys, which open all data through Shared Key.
  ['17d1049b-9a84-46fb-8f53-869881c3d3ab', data('Storage Account Contributor', 'StorageAccount')],
]);

/** The GUID at the end of a role definition id (`…/roleDefinitions/<guid>`), lowercased. */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.trim().replace(/\/+$/, '').split('/').pop() ?? '').toLowerCase();
}

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

/** Actions (control plane) and data actions (data plane) that expose a crown jewel's content. */
const SENSITIVE_ACTIONS: ReadonlyArray<{ kind: NodeKind; actions: string[]; dataActions: string[] }> = [
  { kind: 'KeyVault', actions: [], dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'] },
  {
    kind: 'StorageAccount',
    actions: ['Microsoft.Storage/storageAccounts/listKeys/action'],
    dataActions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
      'Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read',
    ],
  },
];
/** An action no real provider defines: only wildcard patterns such as `*` grant it, i.e. "write anything". */
const ANY_WRITE_PROBE = 'Reachgraph.Probe/anyResourceType/write';
const GRANT_ROLES = 'Microsoft.Authorization/roleAssignments/write';

const patternCache = new Map<string, RegExp>();
/** ARM action patterns: case-insensitive, `*` matches any run of characters (including '/'). */
function matches(pattern: string, action: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const body = pattern.trim().split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
    regex = new RegExp(`^${body}$`, 'i');
    patternCache.set(pattern, regex);
  }
  return regex.test(action);
}

function grants(permissions: readonly RolePermission[], action: string, plane: 'control' | 'data'): boolean {
  return permissions.some((permission) => {
    const [allow, deny] = plane === 'control' ? [permission.actions, permission.notActions] : [permission.dataActions, permission.notDataActions];
    return allow.some((pattern) => matches(pattern, action)) && !deny.some((pattern) => matches(pattern, action));
  });
}

/**
 * Classifies a role from its permissions (custom roles, or built-in roles the
 * table above does not know):
 *   grants role assignments and writes anything → owner;
 *   grants role assignments                     → user-access-admin;
 *   writes anything (a wildcard like `*`)        → contributor;
 *   reads Key Vault secrets, storage blobs/files or lists storage keys → data (those kinds);
 *   only `…/read` actions                        → reader;
 *   otherwise                                    → other.
 */
export function classifyPermissions(permissions: readonly RolePermission[]): RoleClass {
  const writesAnything = grants(permissions, ANY_WRITE_PROBE, 'control');
  if (grants(permissions, GRANT_ROLES, 'control')) return { privilege: writesAnything ? 'owner' : 'user-access-admin', dataKinds: [] };
  if (writesAnything) return { privilege: 'contributor', dataKinds: [] };
  const dataKinds = SENSITIVE_ACTIONS.filter(
    (entry) =>
      entry.actions.some((action) => grants(permissions, action, 'control')) ||
      entry.dataActions.some((action) => grants(permissions, action, 'data')),
  ).map((entry) => entry.kind);
  if (dataKinds.length > 0) return { privilege: 'data', dataKinds };
  const actions = permissions.flatMap((permission) => permission.actions);
  const readOnly = actions.length > 0 && actions.every((action) => /\/read$/i.test(action.trim()) || action.trim() === '*/read');
  return { privilege: readOnly ? 'reader' : 'other', dataKinds: [] };
}

/** One role assignment of a principal at a scope, as carried on a HAS_ROLE edge. */
export interface RoleGrant {
  roleAssignmentId: string;
  roleDefinitionId: string;
  roleName: string;
  privilege: Privilege;
  dataKinds: NodeKind[];
}

export function strongestFirst(a: RoleGrant, b: RoleGrant): number {
  return PRIVILEGE_RANK[b.privilege] - PRIVILEGE_RANK[a.privilege] || a.roleAssignmentId.localeCompare(b.roleAssignmentId);
}

/**
 * HAS_ROLE edge properties. Stores key an edge by (source, kind, target), so
 * every assignment of one principal at one scope shares an edge:
 *   roleName, roleDefinitionId, roleAssignmentId, privilege — the strongest assignment;
 *   roleNames, roleDefinitionIds, roleAssignmentIds, privileges, dataKinds — one
 *   entry per assignment, in roleAssignmentId order (`dataKinds` entries are
 *   comma-separated node kinds, '' when the role is not a data role).
 */
export function encodeRoleGrants(grants: readonly RoleGrant[]): Properties {
  const byId = new Map(grants.map((grant) => [grant.roleAssignmentId, grant]));
  const sorted = [...byId.values()].sort((a, b) => a.roleAssignmentId.localeCompare(b.roleAssignmentId));
  const strongest = [...sorted].sort(strongestFirst)[0];
  return {
    roleName: strongest?.roleName ?? null,
    roleDefinitionId: strongest?.roleDefinitionId ?? null,
    roleAssignmentId: strongest?.roleAssignmentId ?? null,
    privilege: strongest?.privilege ?? null,
    roleNames: sorted.map((grant) => grant.roleName),
    roleDefinitionIds: sorted.map((grant) => grant.roleDefinitionId),
    roleAssignmentIds: sorted.map((grant) => grant.roleAssignmentId),
    privileges: sorted.map((grant) => grant.privilege),
    dataKinds: sorted.map((grant) => grant.dataKinds.join(',')),
  };
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item : '')) : [];
}

/**
 * The assignments on a HAS_ROLE edge. Reads the per-assignment arrays, or,
 * for edges written with the scalar properties only, the one assignment they
 * describe (`dataKinds` then a single comma-separated string).
 */
export function decodeRoleGrants(properties: Properties): RoleGrant[] {
  const ids = stringsOf(properties.roleAssignmentIds);
  const kinds = (text: string) => text.split(',').map((kind) => kind.trim()).filter((kind) => kind !== '') as NodeKind[];
  if (ids.length > 0) {
    const names = stringsOf(properties.roleNames);
    const definitions = stringsOf(properties.roleDefinitionIds);
    const privileges = stringsOf(properties.privileges);
    const dataKinds = stringsOf(properties.dataKinds);
    return ids.map((id, index) => ({
      roleAssignmentId: id,
      roleDefinitionId: definitions[index] ?? '',
      roleName: names[index] ?? '',
      privilege: isPrivilege(privileges[index]) ? privileges[index] : 'other',
      dataKinds: kinds(dataKinds[index] ?? ''),
    }));
  }
  if (!isPrivilege(properties.privilege)) return [];
  const single = properties.dataKinds;
  return [
    {
      roleAssignmentId: typeof properties.roleAssignmentId === 'string' ? properties.roleAssignmentId : '',
      roleDefinitionId: typeof properties.roleDefinitionId === 'string' ? properties.roleDefinitionId : '',
      roleName: typeof properties.roleName === 'string' ? properties.roleName : '',
      privilege: properties.privilege,
      dataKinds: typeof single === 'string' ? kinds(single) : Array.isArray(single) ? kinds(stringsOf(single).join(',')) : [],
    },
  ];
}
