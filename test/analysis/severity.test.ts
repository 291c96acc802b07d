import { describe, expect, it } from 'vitest';
import { analysisResultsFor } from '../../src/analysis/attack-paths.js';
import type { ExposedAsset } from '../../src/analysis/exposure.js';
import { computeExposure } from '../../src/analysis/exposure.js';
import {
  adminPortExposure,
  crownJewelPoints,
  formatExposedPort,
  pathScore,
  severityOf,
  workloadScore,
} from '../../src/analysis/severity.js';
import { transformAzureResources } from '../../src/load/transform.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { ids, lbPool, loadBalancer, lower, nic, nsg, publicIp, scaleSet, vm, vnet } from '../helpers/arm.js';
import { keyVault, ROLE, roleAssignment, SUB_ID, withIdentity } from '../helpers/identity.js';

type Entry = ExposedAsset['entryPoints'][number];

function asset(ports: Array<{ protocol: 'tcp' | 'udp' | 'icmp'; from: number; to: number; width: 'wide' | 'narrow' }>): Pick<ExposedAsset, 'ports' | 'entryPoints'> {
  const entry: Entry = {
    type: 'public-ip',
    publicIpId: 'pip',
    address: null,
    forwarder: null,
    frontendPorts: null,
    decidedBy: [],
    sources: [],
    width: ports.some((port) => port.width === 'wide') ? 'wide' : 'narrow',
    ports,
  };
  return { ports: ports.map(({ protocol, from, to }) => ({ protocol, from, to })), entryPoints: [entry] };
}

describe('factors', () => {
  it('formats exposed ports as protocol/port, protocol/from-to, or icmp', () => {
    expect(formatExposedPort({ protocol: 'tcp', from: 443, to: 443 })).toBe('tcp/443');
    expect(formatExposedPort({ protocol: 'tcp', from: 8000, to: 8100 })).toBe('tcp/8000-8100');
    expect(formatExposedPort({ protocol: 'udp', from: 0, to: 65535 })).toBe('udp/0-65535');
    expect(formatExposedPort({ protocol: 'icmp', from: 0, to: 255 })).toBe('icmp');
  });

  it('lists the management ports a range covers, wide when any of them is open to every address', () => {
    expect(adminPortExposure(asset([{ protocol: 'tcp', from: 0, to: 65535, width: 'wide' }]))).toEqual({
      ports: ['tcp/22', 'tcp/23', 'tcp/3389', 'tcp/5900', 'tcp/5985', 'tcp/5986'],
      width: 'wide',
    });
    expect(
      adminPortExposure(
        asset([
          { protocol: 'tcp', from: 21, to: 23, width: 'narrow' },
          { protocol: 'tcp', from: 443, to: 443, width: 'wide' },
        ]),
      ),
    ).toEqual({ ports: ['tcp/22', 'tcp/23'], width: 'narrow' });
    // UDP 22 is not SSH.
    expect(adminPortExposure(asset([{ protocol: 'udp', from: 0, to: 65535, width: 'wide' }]))).toEqual({ ports: [], width: null });
  });
});

describe('formula', () => {
  it.each([
    [{ exposureWidth: null, adminPortsWidth: null, identityPrivilege: 'owner', crownJewelsReachable: 5 }, 0, 'none'],
    [{ exposureWidth: 'narrow', adminPortsWidth: null, identityPrivilege: 'none', crownJewelsReachable: 0 }, 2, 'low'],
    [{ exposureWidth: 'wide', adminPortsWidth: null, identityPrivilege: 'reader', crownJewelsReachable: 0 }, 4, 'medium'],
    [{ exposureWidth: 'wide', adminPortsWidth: 'narrow', identityPrivilege: 'other', crownJewelsReachable: 0 }, 5.5, 'medium'],
    [{ exposureWidth: 'wide', adminPortsWidth: 'wide', identityPrivilege: 'none', crownJewelsReachable: 0 }, 6, 'high'],
    [{ exposureWidth: 'wide', adminPortsWidth: null, identityPrivilege: 'data', crownJewelsReachable: 1 }, 6, 'high'],
    [{ exposureWidth: 'wide', adminPortsWidth: null, identityPrivilege: 'contributor', crownJewelsReachable: 3 }, 7.5, 'high'],
    [{ exposureWidth: 'wide', adminPortsWidth: 'wide', identityPrivilege: 'owner', crownJewelsReachable: 0 }, 8, 'critical'],
    [{ exposureWidth: 'wide', adminPortsWidth: 'wide', identityPrivilege: 'user-access-admin', crownJewelsReachable: 9 }, 10, 'critical'],
  ] as const)('workload %j scores %d (%s)', (factors, score, severity) => {
    expect(workloadScore(factors)).toBe(score);
    expect(severityOf(score)).toBe(severity);
  });

  it('gives crown jewels 1 point for the first and 0.5 for each further one, at most 2', () => {
    expect([0, 1, 2, 3, 4, 10].map(crownJewelPoints)).toEqual([0, 1, 1.5, 2, 2, 2]);
  });

  it.each([
    [{ entryWidth: 'wide', adminPortsWidth: 'wide', privilege: 'owner', targetKind: 'Subscription', targetReason: 'subscription-takeover' }, 10],
    [{ entryWidth: 'wide', adminPortsWidth: 'wide', privilege: 'owner', targetKind: 'StorageAccount', targetReason: 'crown-jewel-kind' }, 9.5],
    [{ entryWidth: 'wide', adminPortsWidth: null, privilege: 'data', targetKind: 'KeyVault', targetReason: 'crown-jewel-kind' }, 7],
    [{ entryWidth: 'wide', adminPortsWidth: null, privilege: 'contributor', targetKind: 'VirtualMachine', targetReason: 'crown-jewel-tag' }, 7.5],
    [{ entryWidth: 'narrow', adminPortsWidth: null, privilege: 'data', targetKind: 'StorageAccount', targetReason: 'crown-jewel-kind' }, 4.5],
  ] as const)('path %j scores %d', (factors, score) => {
    expect(pathScore(factors)).toBe(score);
  });

  it('bands scores: ≥ 8 critical, ≥ 6 high, ≥ 4 medium, > 0 low, 0 none', () => {
    expect([10, 8, 7.9, 6, 5.9, 4, 3.9, 0.5, 0].map(severityOf)).toEqual(['critical', 'critical', 'high', 'high', 'medium', 'medium', 'low', 'low', 'none']);
  });
});

describe('per-workload results', () => {
  const network = vnet('vnet', '10.0.0.0/16', [
    { name: 'jump', prefix: '10.0.1.0/24' },
    { name: 'api', prefix: '10.0.2.0/24', nsg: 'nsg-api' },
  ]);
  const estate: ArmResource[] = [
    network,
    nsg('nsg-api', [{ name: 'https-partner', priority: 100, source: '198.51.100.0/24', ports: '443' }]),
    keyVault('kv'),
    // Wide open (Basic public IP, no NSG) with an Owner identity.
    publicIp('pip-jump', 'Basic', '192.0.2.10'),
    nic({ name: 'nic-jump', vm: 'vm-jump', subnet: ['vnet', 'jump'], privateIp: '10.0.1.4', publicIp: 'pip-jump' }),
    withIdentity(vm('vm-jump', ['nic-jump']), { system: 'p-jump' }),
    roleAssignment({ principalId: 'p-jump', role: ROLE.owner, scope: SUB_ID }),
    // Reached by a partner range only, through a load balancer.
    publicIp('pip-lb', 'Standard', '192.0.2.20'),
    loadBalancer({ name: 'lb', publicIp: 'pip-lb', pools: ['api'], rules: [{ name: 'https', protocol: 'Tcp', frontendPort: 443, backendPort: 443, pool: 'api' }] }),
    scaleSet({ name: 'vmss-api', subnet: ['vnet', 'api'], lbPools: [lbPool('lb', 'api')] }),
    // Not exposed, but its identity could read the vault.
    nic({ name: 'nic-app', vm: 'vm-app', subnet: ['vnet', 'api'], privateIp: '10.0.2.10' }),
    withIdentity(vm('vm-app', ['nic-app']), { system: 'p-app' }),
    roleAssignment({ principalId: 'p-app', role: ROLE.keyVaultSecretsUser, scope: SUB_ID }),
  ];

  function results() {
    const { graph } = transformAzureResources(estate);
    return new Map(analysisResultsFor(graph, computeExposure(graph)).assets.map((item) => [item.id, item.properties]));
  }

  it('reports every workload, exposed or not, with flat exposure and severity properties', () => {
    const assets = results();
    expect([...assets.keys()]).toEqual([lower(ids.vm('vm-app')), lower(ids.vm('vm-jump')), lower(ids.vmss('vmss-api'))]);
    expect(assets.get(lower(ids.vm('vm-jump')))).toEqual({
      exposed: true,
      exposureWidth: 'wide',
      exposedPorts: ['tcp/0-65535', 'udp/0-65535', 'icmp'],
      factorAdminPortsExposed: ['tcp/22', 'tcp/23', 'tcp/3389', 'tcp/5900', 'tcp/5985', 'tcp/5986'],
      factorIdentityPrivilege: 'owner',
      factorCrownJewelsReachable: 2, // the subscription and the vault
      severityScore: 9.5, // wide 4 + admin ports open to all 2 + owner 2 + two crown jewels 1.5
      severity: 'critical',
    });
    expect(assets.get(lower(ids.vmss('vmss-api')))).toEqual({
      exposed: true,
      exposureWidth: 'narrow',
      exposedPorts: ['tcp/443'],
      factorAdminPortsExposed: [],
      factorIdentityPrivilege: 'none',
      factorCrownJewelsReachable: 0,
      severityScore: 2,
      severity: 'low',
    });
    expect(assets.get(lower(ids.vm('vm-app')))).toEqual({
      exposed: false,
      exposureWidth: null,
      exposedPorts: [],
      factorAdminPortsExposed: [],
      factorIdentityPrivilege: 'data',
      factorCrownJewelsReachable: 1,
      severityScore: 0,
      severity: 'none',
    });
  });

  it('keeps every property flat (scalars, string arrays or null), as graph stores require', () => {
    for (const properties of results().values()) {
      for (const value of Object.values(properties)) {
        const flat = value === null || ['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
        expect(flat).toBe(true);
      }
    }
  });
});
