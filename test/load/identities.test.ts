import { describe, expect, it } from 'vitest';
import { transformAzureResources, type TransformResult } from '../../src/load/transform.js';
import type { GraphEdge, GraphNode } from '../../src/model/graph.js';
import { systemIdentityHostId, systemIdentityNodeId } from '../../src/model/ids.js';
import { ArmTypeToKind } from '../../src/model/kinds.js';
import { classifyPermissions, decodeRoleGrants, type RolePermission } from '../../src/model/roles.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { ids, lower, scaleSet, SUB, vm, vnet } from '../helpers/arm.js';
import {
  identityIds,
  keyVault,
  RG_ID,
  ROLE,
  roleAssignment,
  roleDefinition,
  sqlServer,
  storageAccount,
  SUB_ID,
  userAssignedIdentity,
  withIdentity,
} from '../helpers/identity.js';

function node(result: TransformResult, id: string): GraphNode | undefined {
  return result.graph.nodes.find((candidate) => candidate.id === lower(id));
}

function edges(result: TransformResult, kind: string): GraphEdge[] {
  return result.graph.edges.filter((edge) => edge.kind === kind);
}

function edge(result: TransformResult, source: string, kind: string, target: string): GraphEdge | undefined {
  return result.graph.edges.find((candidate) => candidate.source === lower(source) && candidate.kind === kind && candidate.target === lower(target));
}

const WEB_PRINCIPAL = '11111111-1111-4111-8111-111111111111';
const API_PRINCIPAL = '22222222-2222-4222-8222-222222222222';

describe('managed identities', () => {
  it('maps the new resource types to their node kinds', () => {
    expect(ArmTypeToKind['microsoft.managedidentity/userassignedidentities']).toBe('ManagedIdentity');
    expect(ArmTypeToKind['microsoft.keyvault/vaults']).toBe('KeyVault');
    expect(ArmTypeToKind['microsoft.storage/storageaccounts']).toBe('StorageAccount');
    expect(ArmTypeToKind['microsoft.sql/servers']).toBe('SqlServer');
  });

  it('gives a system-assigned identity the ARM extension id <resource>/providers/microsoft.managedidentity/identities/default', () => {
    const web = withIdentity(vm('vm-web', []), { system: WEB_PRINCIPAL.toUpperCase() });
    const result = transformAzureResources([web]);
    const identityId = systemIdentityNodeId(web.id);
    expect(identityId).toBe(`${lower(web.id)}/providers/microsoft.managedidentity/identities/default`);
    expect(systemIdentityHostId(identityId)).toBe(lower(web.id));
    expect(systemIdentityHostId(lower(web.id))).toBeUndefined();
    expect(node(result, identityId)).toMatchObject({
      kind: 'ManagedIdentity',
      properties: {
        name: 'vm-web (system-assigned)',
        identityType: 'SystemAssigned',
        principalId: WEB_PRINCIPAL,
        hostId: lower(web.id),
        subscriptionId: SUB,
        resourceGroup: 'rg-test',
      },
    });
    expect(edge(result, web.id, 'USES_IDENTITY', identityId)?.properties.identityType).toBe('SystemAssigned');
    // The identity comes from the VM's document: it is stamped with the VM's family, so it goes when the VM goes.
    expect(node(result, identityId)?.properties).toMatchObject({ syncFamily: 'virtualMachines', syncScope: SUB_ID.toLowerCase() });
    expect(edge(result, web.id, 'USES_IDENTITY', identityId)?.properties.syncFamily).toBe('virtualMachines');
    expect(result.danglingEdges).toEqual([]);
  });

  it('loads user-assigned identity resources and links every resource that uses one, whatever the id casing', () => {
    const identity = userAssignedIdentity('id-api', API_PRINCIPAL);
    const uaiKey = identity.id.replace('resourceGroups', 'resourcegroups').replace('Microsoft.ManagedIdentity', 'microsoft.managedidentity');
    const api = withIdentity(scaleSet({ name: 'vmss-api', subnet: ['vnet', 'api'] }), { system: WEB_PRINCIPAL, user: [uaiKey] });
    const result = transformAzureResources([vnet('vnet', '10.0.0.0/16', [{ name: 'api', prefix: '10.0.1.0/24' }]), identity, api]);
    expect(node(result, identity.id)).toMatchObject({
      kind: 'ManagedIdentity',
      properties: { identityType: 'UserAssigned', principalId: API_PRINCIPAL, clientId: 'client-of-id-api', hostId: null, syncFamily: 'managedIdentities' },
    });
    expect(edge(result, RG_ID, 'CONTAINS', identity.id)).toBeDefined();
    expect(
      edges(result, 'USES_IDENTITY')
        .map((item) => `${item.source} -> ${item.target} (${item.properties.identityType}, ${item.properties.syncFamily})`)
        .sort(),
    ).toEqual(
      [
        `${lower(api.id)} -> ${lower(identity.id)} (UserAssigned, virtualMachineScaleSets)`,
        `${lower(api.id)} -> ${systemIdentityNodeId(api.id)} (SystemAssigned, virtualMachineScaleSets)`,
      ].sort(),
    );
    expect(result.danglingEdges).toEqual([]);
  });

  it('ignores identity blocks of type None or null, and reads identities on types it does not model', () => {
    const none = { ...vm('vm-none', []), identity: { type: 'None' } };
    const nulled = { ...vm('vm-null', []), identity: null };
    const site: ArmResource = {
      id: `${RG_ID}/providers/Microsoft.Web/sites/app`,
      type: 'Microsoft.Web/sites',
      identity: { type: 'SystemAssigned', principalId: WEB_PRINCIPAL },
    };
    const result = transformAzureResources([none, nulled, site]);
    expect(edges(result, 'USES_IDENTITY').map((item) => item.source)).toEqual([lower(site.id)]);
    expect(node(result, systemIdentityNodeId(site.id))?.properties.syncFamily).toBe('genericResources');
    expect(result.nodesByKind.ManagedIdentity).toBe(1);
  });

  it('keeps a USES_IDENTITY edge to a user-assigned identity missing from the snapshot apart as dangling', () => {
    const missing = identityIds.uai('id-elsewhere', 'rg-other');
    const result = transformAzureResources([withIdentity(vm('vm', []), { user: [missing] })]);
    expect(result.danglingEdges.map((item) => `${item.kind} ${item.target}`)).toEqual([`USES_IDENTITY ${lower(missing)}`]);
  });
});

describe('role assignments', () => {
  const vault = keyVault('kv-prod');
  const web = withIdentity(vm('vm-web', []), { system: WEB_PRINCIPAL });
  const webIdentity = systemIdentityNodeId(web.id);

  it('become a HAS_ROLE edge from the managed identity to the scope, named and classified by the built-in table', () => {
    const assignment = roleAssignment({ principalId: WEB_PRINCIPAL.toUpperCase(), role: ROLE.keyVaultSecretsUser, scope: vault.id, name: 'RA-1' });
    const result = transformAzureResources([vault, web, assignment]);
    const hasRole = edge(result, webIdentity, 'HAS_ROLE', vault.id);
    expect(hasRole?.properties).toMatchObject({
      roleName: 'Key Vault Secrets User',
      privilege: 'data',
      roleAssignmentId: lower(assignment.id),
      roleDefinitionId: `${SUB_ID.toLowerCase()}/providers/microsoft.authorization/roledefinitions/${ROLE.keyVaultSecretsUser}`,
      roleNames: ['Key Vault Secrets User'],
      privileges: ['data'],
      dataKinds: ['KeyVault'],
      principalId: WEB_PRINCIPAL,
      principalType: 'ServicePrincipal',
      syncFamily: 'authorization',
      syncScope: SUB_ID.toLowerCase(),
    });
    // A role assignment is not a node: nothing contains it and nothing dangles.
    expect(node(result, assignment.id)).toBeUndefined();
    expect(result.graph.edges.filter((item) => item.target.includes('roleassignments'))).toEqual([]);
    expect(result.danglingEdges).toEqual([]);
    expect(result.unknownTypes).toEqual({});
    expect(result.warnings).toEqual([]);
  });

  it('resolves subscription and resource-group scopes, taken from the id when the row has no scope property', () => {
    const owner = roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.owner, scope: SUB_ID });
    const contributor = roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.contributor, scope: RG_ID });
    delete (contributor.properties as Record<string, unknown>).scope;
    const result = transformAzureResources([web, owner, contributor]);
    expect(edge(result, webIdentity, 'HAS_ROLE', SUB_ID)?.properties.privilege).toBe('owner');
    expect(edge(result, webIdentity, 'HAS_ROLE', RG_ID)?.properties.privilege).toBe('contributor');
    expect(result.danglingEdges).toEqual([]);
  });

  it('keeps every assignment of one principal at one scope on one edge, the strongest in the scalar properties', () => {
    const reader = roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.reader, scope: SUB_ID, name: 'a-reader' });
    const uaa = roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.userAccessAdministrator, scope: SUB_ID, name: 'b-uaa' });
    const blob = roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.storageBlobDataReader, scope: SUB_ID, name: 'c-blob' });
    const result = transformAzureResources([web, uaa, blob, reader]);
    const hasRole = edges(result, 'HAS_ROLE');
    expect(hasRole).toHaveLength(1);
    expect(hasRole[0]!.properties).toMatchObject({
      roleName: 'User Access Administrator',
      privilege: 'user-access-admin',
      roleAssignmentId: expect.stringMatching(/\/b-uaa$/),
      roleNames: ['Reader', 'User Access Administrator', 'Storage Blob Data Reader'],
      privileges: ['reader', 'user-access-admin', 'data'],
      dataKinds: ['', '', 'StorageAccount'],
    });
    expect(decodeRoleGrants(hasRole[0]!.properties).map((grant) => [grant.roleName, grant.privilege, grant.dataKinds])).toEqual([
      ['Reader', 'reader', []],
      ['User Access Administrator', 'user-access-admin', []],
      ['Storage Blob Data Reader', 'data', ['StorageAccount']],
    ]);
  });

  it('names roles from exported definitions and classifies custom roles by their permissions', () => {
    const custom = roleDefinition({
      guid: '99999999-9999-4999-8999-999999999999',
      roleName: 'Contoso Secret Reader',
      actions: ['Microsoft.KeyVault/vaults/read'],
      dataActions: ['Microsoft.KeyVault/vaults/secrets/*'],
    });
    const builtIn = roleDefinition({ guid: ROLE.owner, roleName: 'Owner (as exported)', type: 'BuiltInRole', actions: ['*/read'] });
    const result = transformAzureResources([
      vault,
      web,
      custom,
      builtIn,
      roleAssignment({ principalId: WEB_PRINCIPAL, role: custom.id!, scope: vault.id }),
      roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.owner, scope: SUB_ID }),
    ]);
    expect(edge(result, webIdentity, 'HAS_ROLE', vault.id)?.properties).toMatchObject({
      roleName: 'Contoso Secret Reader',
      privilege: 'data',
      dataKinds: ['KeyVault'],
    });
    // A well-known built-in keeps its known class; the export only names it.
    expect(edge(result, webIdentity, 'HAS_ROLE', SUB_ID)?.properties).toMatchObject({ roleName: 'Owner (as exported)', privilege: 'owner' });
    expect(node(result, custom.id)).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it("counts assignments whose role definition is unknown as 'other' and says so once", () => {
    const result = transformAzureResources([
      web,
      roleAssignment({ principalId: WEB_PRINCIPAL, role: 'aaaaaaaa-0000-4000-8000-000000000001', scope: SUB_ID }),
      roleAssignment({ principalId: WEB_PRINCIPAL, role: 'aaaaaaaa-0000-4000-8000-000000000001', scope: RG_ID }),
    ]);
    expect(edges(result, 'HAS_ROLE').map((item) => [item.properties.roleName, item.properties.privilege])).toEqual([
      ['aaaaaaaa-0000-4000-8000-000000000001', 'other'],
      ['aaaaaaaa-0000-4000-8000-000000000001', 'other'],
    ]);
    expect(result.warnings).toEqual([
      { subject: 'microsoft.authorization/roledefinitions', message: expect.stringMatching(/^2 role assignments use role definitions .*aaaaaaaa-0000-4000-8000-000000000001.*'other'/) },
    ]);
  });

  it('leaves out assignments to principals that are not managed identities in the snapshot, with one aggregated warning', () => {
    const result = transformAzureResources([
      vault,
      web,
      roleAssignment({ principalId: 'user-1', principalType: 'User', role: ROLE.owner, scope: SUB_ID }),
      roleAssignment({ principalId: 'user-2', principalType: 'User', role: ROLE.reader, scope: SUB_ID }),
      roleAssignment({ principalId: 'group-1', principalType: 'Group', role: ROLE.keyVaultSecretsUser, scope: vault.id }),
    ]);
    expect(edges(result, 'HAS_ROLE')).toEqual([]);
    expect(result.warnings).toEqual([
      {
        subject: 'microsoft.authorization/roleassignments',
        message: expect.stringMatching(/^3 role assignments name principals that are not managed identities in this snapshot \(Group 1, User 2\).*Entra ID/),
      },
    ]);
  });

  it('leaves out management-group and root scopes with one warning', () => {
    const mg = '/providers/Microsoft.Management/managementGroups/mg-contoso';
    const result = transformAzureResources([
      web,
      roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.owner, scope: mg }),
      roleAssignment({ principalId: WEB_PRINCIPAL, role: ROLE.reader, scope: '/' }),
    ]);
    expect(edges(result, 'HAS_ROLE')).toEqual([]);
    expect(result.warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/^2 role assignments at management-group or root scope/)]);
    expect(result.danglingEdges).toEqual([]);
  });

  it('resolves a user-assigned principal from the host identity block when the identity resource is not exported', () => {
    const uaiId = identityIds.uai('id-shared', 'rg-shared');
    const host = {
      ...vm('vm-api', []),
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uaiId]: { principalId: API_PRINCIPAL, clientId: 'c' } } },
    };
    const result = transformAzureResources([host, roleAssignment({ principalId: API_PRINCIPAL, role: ROLE.contributor, scope: RG_ID })]);
    expect(edge(result, uaiId, 'HAS_ROLE', RG_ID)?.properties.privilege).toBe('contributor');
    // Both edges name the missing identity: a store that holds it keeps them.
    expect(result.danglingEdges.map((item) => item.kind).sort()).toEqual(['HAS_ROLE', 'USES_IDENTITY']);
  });

  it('prefers the identity resource over a host block when both report the same principal', () => {
    const identity = userAssignedIdentity('id-api', API_PRINCIPAL);
    const host = withIdentity(vm('vm-api', []), { user: [identity.id] });
    const result = transformAzureResources([host, identity, roleAssignment({ principalId: API_PRINCIPAL, role: ROLE.reader, scope: SUB_ID })]);
    expect(edges(result, 'HAS_ROLE').map((item) => item.source)).toEqual([lower(identity.id)]);
  });
});

describe('role classification from permissions', () => {
  const perms = (permission: Partial<RolePermission>): RolePermission[] => [
    { actions: [], notActions: [], dataActions: [], notDataActions: [], ...permission },
  ];

  it.each([
    ['everything', perms({ actions: ['*'] }), 'owner', []],
    [
      'everything but authorization writes (Contributor)',
      perms({ actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'] }),
      'contributor',
      [],
    ],
    ['role assignments only (User Access Administrator)', perms({ actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] }), 'user-access-admin', []],
    ['read only', perms({ actions: ['*/read'] }), 'reader', []],
    ['secret values', perms({ dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'] }), 'data', ['KeyVault']],
    ['secret metadata only', perms({ actions: ['Microsoft.KeyVault/vaults/read'], dataActions: ['Microsoft.KeyVault/vaults/secrets/readMetadata/action'] }), 'reader', []],
    ['storage keys', perms({ actions: ['Microsoft.Storage/storageAccounts/read', 'Microsoft.Storage/storageAccounts/listkeys/action'] }), 'data', ['StorageAccount']],
    ['blob data, any case', perms({ dataActions: ['microsoft.storage/storageaccounts/blobservices/containers/blobs/*'] }), 'data', ['StorageAccount']],
    [
      'blob data with reads excluded',
      perms({ dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'], notDataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'] }),
      'other',
      [],
    ],
    ['virtual machine operator', perms({ actions: ['Microsoft.Compute/virtualMachines/*'] }), 'other', []],
  ] as const)('%s → %s', (_label, permissions, privilege, dataKinds) => {
    expect(classifyPermissions(permissions)).toEqual({ privilege, dataKinds });
  });
});

describe('data stores', () => {
  it('keeps the access and network settings of key vaults, storage accounts and SQL servers', () => {
    const subnet = ids.subnet('vnet', 'app');
    const result = transformAzureResources([
      keyVault('kv', {
        enableRbacAuthorization: false,
        accessPolicies: [{ objectId: 'x' }, { objectId: 'y' }],
        enablePurgeProtection: true,
        publicNetworkAccess: 'Enabled',
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [{ value: '203.0.113.0/24' }], virtualNetworkRules: [{ id: subnet }] },
        sku: { family: 'A', name: 'standard' },
      }),
      storageAccount('st', {
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: 'false',
        minimumTlsVersion: 'TLS1_2',
        networkAcls: { defaultAction: 'Allow', ipRules: [{ value: '198.51.100.7', action: 'Allow' }] },
        primaryEndpoints: { blob: 'https://st.blob.core.windows.net/' },
        privateEndpointConnections: [{ id: 'pe' }],
      }),
      sqlServer('sql', { publicNetworkAccess: 'Disabled', version: '12.0', administrators: { azureADOnlyAuthentication: true } }),
    ]);
    expect(node(result, identityIds.kv('kv'))).toMatchObject({
      kind: 'KeyVault',
      properties: {
        enableRbacAuthorization: false,
        accessPolicyCount: 2,
        enablePurgeProtection: true,
        publicNetworkAccess: 'Enabled',
        networkDefaultAction: 'Deny',
        networkBypass: 'AzureServices',
        networkIpRules: ['203.0.113.0/24'],
        networkSubnetIds: [lower(subnet)],
        sku: 'standard',
        syncFamily: 'keyVaults',
      },
    });
    expect(node(result, identityIds.storage('st'))).toMatchObject({
      kind: 'StorageAccount',
      properties: {
        accountKind: 'StorageV2',
        sku: 'Standard_LRS',
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        minimumTlsVersion: 'TLS1_2',
        networkDefaultAction: 'Allow',
        networkIpRules: ['198.51.100.7'],
        blobEndpoint: 'https://st.blob.core.windows.net/',
        privateEndpointConnections: 1,
        syncFamily: 'storageAccounts',
      },
    });
    expect(node(result, identityIds.sql('sql'))).toMatchObject({
      kind: 'SqlServer',
      properties: { publicNetworkAccess: 'Disabled', version: '12.0', azureADOnlyAuthentication: true, syncFamily: 'sqlServers' },
    });
    expect(result.unknownTypes).toEqual({});
  });
});
