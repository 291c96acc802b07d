/**
 * Builders for identities, role assignments and data stores in tests, shaped
 * as Resource Graph returns them (authorizationresources rows, identity blocks).
 */
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { SUB } from './arm.js';

export const SUB_ID = `/subscriptions/${SUB}`;
export const RG_ID = `${SUB_ID}/resourceGroups/rg-test`;
export const rgId = (name: string) => `${SUB_ID}/resourceGroups/${name}`;

export const identityIds = {
  uai: (name: string, rg = 'rg-test') => `${rgId(rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  kv: (name: string, rg = 'rg-test') => `${rgId(rg)}/providers/Microsoft.KeyVault/vaults/${name}`,
  storage: (name: string, rg = 'rg-test') => `${rgId(rg)}/providers/Microsoft.Storage/storageAccounts/${name}`,
  sql: (name: string, rg = 'rg-test') => `${rgId(rg)}/providers/Microsoft.Sql/servers/${name}`,
};

/** Built-in role definition GUIDs. */
export const ROLE = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
} as const;

export function withIdentity(resource: ArmResource, identity: { system?: string; user?: string[] }): ArmResource {
  const types = [identity.system ? 'SystemAssigned' : null, identity.user?.length ? 'UserAssigned' : null].filter(Boolean);
  return {
    ...resource,
    identity: {
      type: types.join(', ') || 'None',
      ...(identity.system ? { principalId: identity.system, tenantId: 'tenant-1' } : {}),
      ...(identity.user?.length
        ? { userAssignedIdentities: Object.fromEntries(identity.user.map((id) => [id, { principalId: null, clientId: null }])) }
        : {}),
    },
  };
}

export function userAssignedIdentity(name: string, principalId: string, rg = 'rg-test'): ArmResource {
  return {
    id: identityIds.uai(name, rg),
    name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: 'westeurope',
    subscriptionId: SUB,
    resourceGroup: rg,
    properties: { principalId, clientId: `client-of-${name}`, tenantId: 'tenant-1' },
  };
}

export function keyVault(name: string, properties: Record<string, unknown> = {}, extra: Partial<ArmResource> = {}): ArmResource {
  return {
    id: identityIds.kv(name),
    name,
    type: 'Microsoft.KeyVault/vaults',
    location: 'westeurope',
    properties: { enableRbacAuthorization: true, vaultUri: `https://${name}.vault.azure.net/`, ...properties },
    ...extra,
  };
}

export function storageAccount(name: string, properties: Record<string, unknown> = {}, extra: Partial<ArmResource> = {}): ArmResource {
  return {
    id: identityIds.storage(name),
    name,
    type: 'Microsoft.Storage/storageAccounts',
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS' },
    location: 'westeurope',
    properties: { publicNetworkAccess: 'Enabled', ...properties },
    ...extra,
  };
}

export function sqlServer(name: string, properties: Record<string, unknown> = {}): ArmResource {
  return { id: identityIds.sql(name), name, type: 'Microsoft.Sql/servers', location: 'westeurope', properties };
}

let assignmentCounter = 0;

/** A Resource Graph `authorizationresources` role assignment row. */
export function roleAssignment(spec: {
  principalId: string;
  role: string;
  scope: string;
  principalType?: string;
  name?: string;
}): ArmResource {
  assignmentCounter += 1;
  const name = spec.name ?? `00000000-0000-4000-8000-${String(assignmentCounter).padStart(12, '0')}`;
  const sub = /^\/subscriptions\/([^/]+)/i.exec(spec.scope)?.[1] ?? SUB;
  return {
    id: `${spec.scope === '/' ? '' : spec.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'microsoft.authorization/roleassignments',
    subscriptionId: sub,
    properties: {
      roleDefinitionId: spec.role.includes('/') ? spec.role : `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${spec.role}`,
      principalId: spec.principalId,
      principalType: spec.principalType ?? 'ServicePrincipal',
      scope: spec.scope,
    },
  };
}

/** A Resource Graph `authorizationresources` role definition row. */
export function roleDefinition(spec: {
  guid: string;
  roleName: string;
  type?: 'BuiltInRole' | 'CustomRole';
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}): ArmResource {
  return {
    id: spec.type === 'CustomRole' ? `${SUB_ID}/providers/Microsoft.Authorization/roleDefinitions/${spec.guid}` : `/providers/Microsoft.Authorization/RoleDefinitions/${spec.guid}`,
    name: spec.guid,
    type: 'microsoft.authorization/roledefinitions',
    properties: {
      roleName: spec.roleName,
      type: spec.type ?? 'CustomRole',
      assignableScopes: [SUB_ID],
      permissions: [
        {
          actions: spec.actions ?? [],
          notActions: spec.notActions ?? [],
          dataActions: spec.dataActions ?? [],
          notDataActions: spec.notDataActions ?? [],
        },
      ],
    },
  };
}
