import { describe, expect, it } from 'vitest';
import { analysisResultsFor, type AnalysisOutput } from '../../src/analysis/attack-paths.js';
import { computeExposure } from '../../src/analysis/exposure.js';
import { transformAzureResources } from '../../src/load/transform.js';
import { attackPathId, systemIdentityNodeId } from '../../src/model/ids.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import type { AttackPathRecord } from '../../src/store/graph-store.js';
import { ids, lower, nic, publicIp, vm, vnet } from '../helpers/arm.js';
import {
  identityIds,
  keyVault,
  RG_ID,
  rgId,
  ROLE,
  roleAssignment,
  sqlServer,
  storageAccount,
  SUB_ID,
  userAssignedIdentity,
  withIdentity,
} from '../helpers/identity.js';

const network = vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]);

/** A VM behind its own Basic public IP with no NSG (open to everything), using a system-assigned identity. */
function exposedVm(name: string, principalId: string, host: number, extra: { user?: string[]; tags?: Record<string, string> } = {}): ArmResource[] {
  const machine = withIdentity(vm(name, [`nic-${name}`]), { system: principalId, user: extra.user });
  return [
    publicIp(`pip-${name}`, 'Basic', `192.0.2.${host}`),
    nic({ name: `nic-${name}`, vm: name, subnet: ['vnet', 'web'], privateIp: `10.0.1.${host}`, publicIp: `pip-${name}` }),
    extra.tags ? { ...machine, tags: extra.tags } : machine,
  ];
}

/** A VM with no public IP: nothing reaches it from the internet. */
function internalVm(name: string, principalId: string, host: number, tags?: Record<string, string>): ArmResource[] {
  const machine = withIdentity(vm(name, [`nic-${name}`]), { system: principalId });
  return [nic({ name: `nic-${name}`, vm: name, subnet: ['vnet', 'web'], privateIp: `10.0.1.${host}` }), tags ? { ...machine, tags } : machine];
}

const inRg = (resource: ArmResource, rg: string): ArmResource => ({
  ...resource,
  id: resource.id.replace('/resourceGroups/rg-test/', `/resourceGroups/${rg}/`),
  resourceGroup: rg,
});

/** Two resource groups of crown jewels: rg-data (vault, storage, SQL) and rg-other (vault, storage). */
const jewels = [
  inRg(keyVault('kv-data'), 'rg-data'),
  inRg(storageAccount('stdata'), 'rg-data'),
  inRg(sqlServer('sql-data'), 'rg-data'),
  inRg(keyVault('kv-other'), 'rg-other'),
  inRg(storageAccount('stother'), 'rg-other'),
];
const jewelId = {
  kvData: lower(identityIds.kv('kv-data', 'rg-data')),
  stData: lower(identityIds.storage('stdata', 'rg-data')),
  sqlData: lower(identityIds.sql('sql-data', 'rg-data')),
  kvOther: lower(identityIds.kv('kv-other', 'rg-other')),
  stOther: lower(identityIds.storage('stother', 'rg-other')),
};
const SUB = lower(SUB_ID);
const RG_DATA = lower(rgId('rg-data'));

function analyse(resources: ArmResource[]): AnalysisOutput {
  const { graph } = transformAzureResources(resources);
  return analysisResultsFor(graph, computeExposure(graph));
}

function targets(paths: AttackPathRecord[], entry?: string): string[] {
  return paths
    .filter((path) => !entry || path.entryId === lower(entry))
    .map((path) => path.targetId)
    .sort();
}

const P = { web: 'p-web', app: 'p-app', api: 'p-api' };

describe('which roles reach which targets', () => {
  it.each([
    ['Owner at the subscription', ROLE.owner, SUB_ID, [SUB, jewelId.kvData, jewelId.kvOther, jewelId.sqlData, jewelId.stData, jewelId.stOther]],
    ['User Access Administrator at the subscription', ROLE.userAccessAdministrator, SUB_ID, [SUB, jewelId.kvData, jewelId.kvOther, jewelId.sqlData, jewelId.stData, jewelId.stOther]],
    ['Contributor at the subscription', ROLE.contributor, SUB_ID, [SUB, jewelId.kvData, jewelId.kvOther, jewelId.sqlData, jewelId.stData, jewelId.stOther]],
    ['Contributor at a resource group: only what it contains', ROLE.contributor, rgId('rg-data'), [jewelId.kvData, jewelId.sqlData, jewelId.stData]],
    ['Owner on one resource: that resource', ROLE.owner, identityIds.storage('stother', 'rg-other'), [jewelId.stOther]],
    ['Key Vault Secrets User at the subscription: key vaults only', ROLE.keyVaultSecretsUser, SUB_ID, [jewelId.kvData, jewelId.kvOther]],
    ['Storage Blob Data Reader at a resource group: its storage accounts only', ROLE.storageBlobDataReader, rgId('rg-data'), [jewelId.stData]],
    ['Key Vault Secrets User on a storage account: nothing', ROLE.keyVaultSecretsUser, identityIds.storage('stdata', 'rg-data'), []],
    ['Reader at the subscription: nothing', ROLE.reader, SUB_ID, []],
  ] as const)('%s', (_label, role, scope, expected) => {
    const result = analyse([network, ...jewels, ...exposedVm('vm-web', P.web, 4), roleAssignment({ principalId: P.web, role, scope })]);
    expect(targets(result.attackPaths)).toEqual([...expected].sort());
  });

  it('takes over the subscription only with an admin role at the subscription itself', () => {
    const result = analyse([
      network,
      ...jewels,
      ...exposedVm('vm-web', P.web, 4),
      roleAssignment({ principalId: P.web, role: ROLE.owner, scope: rgId('rg-data') }),
      roleAssignment({ principalId: P.web, role: ROLE.keyVaultSecretsUser, scope: SUB_ID }),
    ]);
    const subscription = result.attackPaths.filter((path) => path.targetId === SUB);
    expect(subscription).toEqual([]);
    const kvData = result.attackPaths.filter((path) => path.targetId === jewelId.kvData);
    // Both assignments reach kv-data, by different routes: the owner one through rg-data, the data one through the subscription.
    expect(kvData.map((path) => [path.properties.roleName, path.properties.privilege, path.properties.scopeId]).sort()).toEqual([
      ['Key Vault Secrets User', 'data', SUB],
      ['Owner', 'owner', RG_DATA],
    ]);
    for (const path of result.attackPaths) {
      expect(path.properties.targetReason).toBe('crown-jewel-kind');
    }
  });

  it('does not let a data role reach a key vault that ignores RBAC (access policies), but an owner still does', () => {
    const policyVault = inRg(keyVault('kv-policies', { enableRbacAuthorization: false }), 'rg-data');
    const dataOnly = analyse([network, policyVault, ...exposedVm('vm-web', P.web, 4), roleAssignment({ principalId: P.web, role: ROLE.keyVaultSecretsUser, scope: SUB_ID })]);
    expect(dataOnly.attackPaths).toEqual([]);
    const owner = analyse([network, policyVault, ...exposedVm('vm-web', P.web, 4), roleAssignment({ principalId: P.web, role: ROLE.owner, scope: rgId('rg-data') })]);
    expect(targets(owner.attackPaths)).toEqual([lower(identityIds.kv('kv-policies', 'rg-data'))]);
  });

  it('treats anything tagged reachgraph:crown-jewel=true as a crown jewel, for admin roles only', () => {
    const tagged = (name: string, value: string) => inRg({ ...vm(name, []), tags: { 'reachgraph:crown-jewel': value } }, 'rg-data');
    const estate = [network, tagged('vm-payroll', 'true'), tagged('vm-canary', 'false'), ...exposedVm('vm-web', P.web, 4)];
    const contributor = analyse([...estate, roleAssignment({ principalId: P.web, role: ROLE.contributor, scope: rgId('rg-data') })]);
    expect(contributor.attackPaths.map((path) => [path.targetId, path.properties.targetKind, path.properties.targetReason])).toEqual([
      [lower(inRg(vm('vm-payroll', []), 'rg-data').id), 'VirtualMachine', 'crown-jewel-tag'],
    ]);
    const blobReader = analyse([...estate, roleAssignment({ principalId: P.web, role: ROLE.storageBlobDataReader, scope: rgId('rg-data') })]);
    expect(blobReader.attackPaths).toEqual([]);
  });

  it('never makes a workload its own target', () => {
    const result = analyse([
      network,
      ...exposedVm('vm-web', P.web, 4, { tags: { 'reachgraph:crown-jewel': 'true' } }),
      roleAssignment({ principalId: P.web, role: ROLE.contributor, scope: RG_ID }),
    ]);
    expect(result.attackPaths).toEqual([]);
  });
});

describe('entries', () => {
  it('starts no path at a workload the internet cannot reach, however privileged its identity', () => {
    const result = analyse([
      network,
      ...jewels,
      ...internalVm('vm-app', P.app, 5),
      roleAssignment({ principalId: P.app, role: ROLE.owner, scope: SUB_ID }),
    ]);
    expect(result.attackPaths).toEqual([]);
    expect(result.assets.find((asset) => asset.id === lower(ids.vm('vm-app')))?.properties).toMatchObject({
      exposed: false,
      factorIdentityPrivilege: 'owner',
      factorCrownJewelsReachable: 6,
      severity: 'none',
    });
  });

  it('follows every identity a workload uses: system-assigned and user-assigned', () => {
    const shared = userAssignedIdentity('id-shared', P.api);
    const result = analyse([
      network,
      ...jewels,
      shared,
      ...exposedVm('vm-web', P.web, 4, { user: [shared.id] }),
      roleAssignment({ principalId: P.web, role: ROLE.keyVaultSecretsUser, scope: identityIds.kv('kv-data', 'rg-data') }),
      roleAssignment({ principalId: P.api, role: ROLE.storageBlobDataReader, scope: identityIds.storage('stother', 'rg-other') }),
    ]);
    expect(result.attackPaths.map((path) => [path.targetId, path.properties.identityId]).sort()).toEqual([
      [jewelId.kvData, systemIdentityNodeId(ids.vm('vm-web'))],
      [jewelId.stOther, lower(shared.id)],
    ]);
  });

  it('finds no path through a principal that is not a managed identity in the snapshot', () => {
    const result = analyse([
      network,
      ...jewels,
      ...exposedVm('vm-web', P.web, 4),
      roleAssignment({ principalId: 'some-user', principalType: 'User', role: ROLE.owner, scope: SUB_ID }),
    ]);
    expect(result.attackPaths).toEqual([]);
    expect(result.assets.find((asset) => asset.id === lower(ids.vm('vm-web')))?.properties.factorIdentityPrivilege).toBe('none');
  });
});

describe('attack path records', () => {
  const estate = () => [
    network,
    ...jewels,
    ...exposedVm('vm-web', P.web, 4),
    roleAssignment({ principalId: P.web, role: ROLE.owner, scope: SUB_ID, name: 'ra-owner' }),
  ];

  it('lists the hops in order: internet, exposure path, workload, identity, scope, containers, target', () => {
    const { attackPaths } = analyse(estate());
    const toVault = attackPaths.find((path) => path.targetId === jewelId.kvData)!;
    const vmId = lower(ids.vm('vm-web'));
    expect(toVault.entryId).toBe(vmId);
    expect(toVault.hops).toEqual([
      'internet',
      lower(ids.pip('pip-vm-web')),
      lower(ids.nic('nic-vm-web')),
      vmId,
      systemIdentityNodeId(vmId),
      SUB,
      RG_DATA,
      jewelId.kvData,
    ]);
    expect(toVault.properties).toMatchObject({
      length: 7,
      entryWidth: 'wide',
      entryPorts: ['tcp/0-65535', 'udp/0-65535', 'icmp'],
      roleName: 'Owner',
      privilege: 'owner',
      targetKind: 'KeyVault',
      targetReason: 'crown-jewel-kind',
      targetName: 'kv-data',
      entryName: 'vm-web',
      identityId: systemIdentityNodeId(vmId),
      scopeId: SUB,
      roleAssignmentId: `${SUB}/providers/microsoft.authorization/roleassignments/ra-owner`,
      score: 10,
      severity: 'critical',
    });
    // The subscription itself: the scope is the target, no containers.
    const takeover = attackPaths.find((path) => path.targetId === SUB)!;
    expect(takeover.hops.slice(-2)).toEqual([systemIdentityNodeId(vmId), SUB]);
    expect(takeover.properties).toMatchObject({ length: 5, targetKind: 'Subscription', targetReason: 'subscription-takeover' });
    for (const path of attackPaths) expect(new Set(path.hops).size).toBe(path.hops.length);
  });

  it('gives stable ids: the same route always gets the same id, whatever the input order', () => {
    const first = analyse(estate()).attackPaths;
    const second = analyse([...estate()].reverse()).attackPaths;
    expect(second).toEqual(first);
    for (const path of first) {
      expect(path.id).toMatch(/^attackpath:[0-9a-f]{16}$/);
      expect(path.id).toBe(attackPathId(path.entryId, path.targetId, path.hops));
    }
    expect(new Set(first.map((path) => path.id)).size).toBe(first.length);
  });

  it('gives a different id to a different route between the same entry and target', () => {
    const { attackPaths } = analyse([...estate(), roleAssignment({ principalId: P.web, role: ROLE.contributor, scope: rgId('rg-data') })]);
    const toVault = attackPaths.filter((path) => path.targetId === jewelId.kvData);
    expect(toVault).toHaveLength(2);
    expect(toVault[0]!.id).not.toBe(toVault[1]!.id);
  });

  it('sorts paths by score, highest first', () => {
    const { attackPaths } = analyse(estate());
    const scores = attackPaths.map((path) => path.properties.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('accepts the exposure report as well as the whole computeExposure result', () => {
    const { graph } = transformAzureResources(estate());
    const exposure = computeExposure(graph);
    expect(analysisResultsFor(graph, exposure.report)).toEqual(analysisResultsFor(graph, exposure));
  });
});
