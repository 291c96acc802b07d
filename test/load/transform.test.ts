import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../helpers/scratch.js';
import { ingestSnapshot, loadSnapshot } from '../../src/load/ingest.js';
import { transformAzureResources, type TransformResult } from '../../src/load/transform.js';
import type { GraphNode } from '../../src/model/graph.js';
import { DEFAULT_SECURITY_RULES, type BackendAddressPool, type SecurityRule } from '../../src/model/network.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import { ids, lbPool, loadBalancer, lower, nic, nsg, publicIp, scaleSet, SUB, vmWithNic, vnet } from '../helpers/arm.js';

const RG_ID = `/subscriptions/${SUB}/resourcegroups/rg-test`;
const SUB_ID = `/subscriptions/${SUB}`;

function nodeOf(result: TransformResult, id: string): GraphNode | undefined {
  return result.graph.nodes.find((node) => node.id === lower(id));
}

function hasEdge(result: TransformResult, source: string, kind: string, target: string): boolean {
  return result.graph.edges.some((edge) => edge.source === lower(source) && edge.kind === kind && edge.target === lower(target));
}

function edgesOfKind(result: TransformResult, kind: string): string[] {
  return result.graph.edges
    .filter((edge) => edge.kind === kind)
    .map((edge) => `${edge.source} -> ${edge.target}`)
    .sort();
}

function rulesOf(result: TransformResult, nsgId: string): SecurityRule[] {
  const value = nodeOf(result, nsgId)?.properties.securityRules;
  expect(typeof value).toBe('string');
  return JSON.parse(value as string) as SecurityRule[];
}

function withProperties(resource: ArmResource, properties: Record<string, unknown>): ArmResource {
  return { ...resource, properties: { ...resource.properties, ...properties } };
}

describe('ids and types', () => {
  it('lowercases ids and compares ARM types case-insensitively', () => {
    const a = nic({ name: 'NIC-Upper', subnet: ['vnet', 'web'], privateIp: '10.0.1.4' });
    const b = { ...nic({ name: 'nic-lower', subnet: ['vnet', 'web'], privateIp: '10.0.1.5' }), type: 'microsoft.network/networkinterfaces' };
    const c = { ...nic({ name: 'nic-shout', subnet: ['vnet', 'web'], privateIp: '10.0.1.6' }), type: 'MICROSOFT.NETWORK/NETWORKINTERFACES' };
    const result = transformAzureResources([vnet('VNet', '10.0.0.0/16', [{ name: 'Web', prefix: '10.0.1.0/24' }]), a, b, c]);
    for (const resource of [a, b, c]) {
      const node = nodeOf(result, resource.id);
      expect(node?.kind).toBe('NetworkInterface');
      expect(node?.properties.armType).toBe('microsoft.network/networkinterfaces');
    }
    expect(result.unknownTypes).toEqual({});
    for (const node of result.graph.nodes) expect(node.id).toBe(node.id.toLowerCase());
    for (const edge of result.graph.edges) {
      expect(edge.source).toBe(edge.source.toLowerCase());
      expect(edge.target).toBe(edge.target.toLowerCase());
    }
    // The NIC names the subnet as …/vnet/subnets/web; the VNet exports it as …/VNet/subnets/Web: the same subnet.
    expect(edgesOfKind(result, 'IN_SUBNET')).toEqual(
      [a, b, c].map((resource) => `${lower(resource.id)} -> ${lower(ids.subnet('vnet', 'web'))}`).sort(),
    );
    expect(result.danglingEdges).toEqual([]);
  });

  it('always adds the internet node, even for an empty snapshot', () => {
    const result = transformAzureResources([]);
    expect(result.graph).toEqual({ nodes: [{ id: 'internet', kind: 'Internet', properties: { name: 'Internet' } }], edges: [] });
    expect(result.nodesByKind).toEqual({ Internet: 1 });
  });

  it('gives identical output when the same input is transformed twice, and leaves the input untouched', () => {
    const estate = [
      nsg('nsg-web', [{ name: 'allow-https', priority: 100, source: 'Internet', ports: '443' }]),
      vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }]),
      publicIp('pip', 'Standard', '203.0.113.1'),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip' }),
      loadBalancer({ name: 'lb', publicIp: 'pip', pools: ['web'] }),
      scaleSet({ name: 'vmss', subnet: ['vnet', 'web'], lbPools: [lbPool('lb', 'web')] }),
      nic({ name: 'nic-dangling', subnet: ['vnet-gone', 'x'], privateIp: '10.9.0.4' }),
      { id: `${RG_ID}/providers/Microsoft.Storage/storageAccounts/st`, type: 'Microsoft.Storage/storageAccounts' },
    ];
    const before = structuredClone(estate);
    const first = transformAzureResources(estate);
    const second = transformAzureResources(estate);
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(estate).toEqual(before);
  });
});

describe('subscriptions and resource groups', () => {
  it('synthesizes subscription and resource-group nodes with CONTAINS edges when no resourcecontainers export exists', () => {
    const other = `/subscriptions/${SUB}/resourceGroups/RG-Other/providers/Microsoft.Network/publicIPAddresses/pip-2`;
    const result = transformAzureResources([
      publicIp('pip', 'Standard', '203.0.113.1'),
      { id: other, type: 'Microsoft.Network/publicIPAddresses' },
    ]);
    expect(nodeOf(result, SUB_ID)).toMatchObject({ kind: 'Subscription', properties: { name: SUB, synthesized: true, subscriptionId: SUB } });
    expect(nodeOf(result, RG_ID)).toMatchObject({ kind: 'ResourceGroup', properties: { name: 'rg-test', synthesized: true } });
    expect(nodeOf(result, `${SUB_ID}/resourcegroups/rg-other`)).toMatchObject({ kind: 'ResourceGroup', properties: { name: 'rg-other' } });
    expect(edgesOfKind(result, 'CONTAINS')).toEqual(
      [
        `${SUB_ID} -> ${RG_ID}`,
        `${SUB_ID} -> ${SUB_ID}/resourcegroups/rg-other`,
        `${RG_ID} -> ${lower(ids.pip('pip'))}`,
        `${SUB_ID}/resourcegroups/rg-other -> ${lower(other)}`,
      ].sort(),
    );
    expect(result.nodesByKind).toMatchObject({ Subscription: 1, ResourceGroup: 2 });
  });

  it('keeps real subscription and resource-group nodes from a resourcecontainers export, with the displayName', () => {
    const result = transformAzureResources([
      publicIp('pip', 'Standard', '203.0.113.1'),
      {
        id: `/subscriptions/${SUB}`,
        type: 'Microsoft.Resources/subscriptions',
        name: 'contoso-prod',
        properties: { displayName: 'Contoso Production', state: 'Enabled' },
      },
      { id: `/subscriptions/${SUB}/resourceGroups/RG-Test`, type: 'microsoft.resources/subscriptions/resourcegroups', name: 'RG-Test', location: 'westeurope', properties: { provisioningState: 'Succeeded' } },
    ]);
    const subscription = nodeOf(result, SUB_ID);
    expect(subscription?.kind).toBe('Subscription');
    expect(subscription?.properties.displayName).toBe('Contoso Production');
    expect(subscription?.properties.state).toBe('Enabled');
    expect(subscription?.properties.synthesized).toBeUndefined();
    const group = nodeOf(result, RG_ID);
    expect(group?.kind).toBe('ResourceGroup');
    expect(group?.properties).toMatchObject({ name: 'RG-Test', location: 'westeurope', provisioningState: 'Succeeded' });
    expect(group?.properties.synthesized).toBeUndefined();
    expect(edgesOfKind(result, 'CONTAINS')).toEqual([`${RG_ID} -> ${lower(ids.pip('pip'))}`, `${SUB_ID} -> ${RG_ID}`].sort());
    expect(result.graph.edges.filter((edge) => edge.source === edge.target)).toEqual([]);
    expect(result.nodesByKind).toMatchObject({ Subscription: 1, ResourceGroup: 1 });
  });

  it('falls back to the subscription name when the export carries no displayName (Resource Graph resourcecontainers)', () => {
    const result = transformAzureResources([
      { id: `/subscriptions/${SUB}`, type: 'microsoft.resources/subscriptions', name: 'contoso-prod', sku: null, properties: { state: 'Enabled' } } as ArmResource,
    ]);
    expect(nodeOf(result, SUB_ID)?.properties.displayName).toBe('contoso-prod');
  });

  it('links a subscription-scoped resource (no resource group) to its subscription', () => {
    const pricing = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`;
    const result = transformAzureResources([{ id: pricing, type: 'Microsoft.Security/pricings' }]);
    expect(hasEdge(result, SUB_ID, 'CONTAINS', pricing)).toBe(true);
  });
});

describe('virtual networks and subnets', () => {
  it('turns subnets inline in a VNet and standalone subnet resources into Subnet nodes contained by the VNet', () => {
    const standalone: ArmResource = {
      id: ids.subnet('vnet', 'extra'),
      name: 'extra',
      type: 'Microsoft.Network/virtualNetworks/subnets',
      properties: { addressPrefixes: ['10.0.9.0/24', 'fd00::/64'], networkSecurityGroup: { id: ids.nsg('nsg-extra') } },
    };
    const result = transformAzureResources([
      vnet('vnet', '10.0.0.0/16', [
        { name: 'web', prefix: '10.0.1.0/24' },
        { name: 'app', prefix: '10.0.2.0/24' },
      ]),
      standalone,
      nsg('nsg-extra', []),
    ]);
    expect(result.nodesByKind.Subnet).toBe(3);
    expect(nodeOf(result, ids.subnet('vnet', 'web'))).toMatchObject({
      kind: 'Subnet',
      properties: { name: 'web', addressPrefixes: ['10.0.1.0/24'], virtualNetworkId: lower(ids.vnet('vnet')), networkSecurityGroupId: null },
    });
    expect(nodeOf(result, ids.subnet('vnet', 'extra'))).toMatchObject({
      kind: 'Subnet',
      properties: { name: 'extra', addressPrefixes: ['10.0.9.0/24', 'fd00::/64'], virtualNetworkId: lower(ids.vnet('vnet')) },
    });
    expect(nodeOf(result, ids.vnet('vnet'))?.properties.addressPrefixes).toEqual(['10.0.0.0/16']);
    const vnetId = lower(ids.vnet('vnet'));
    expect(result.graph.edges.filter((edge) => edge.kind === 'CONTAINS' && edge.source === vnetId).map((edge) => edge.target).sort()).toEqual(
      ['app', 'extra', 'web'].map((name) => lower(ids.subnet('vnet', name))),
    );
    expect(hasEdge(result, ids.subnet('vnet', 'extra'), 'PROTECTED_BY', ids.nsg('nsg-extra'))).toBe(true);
  });

  it('reads subnets and NIC ip configurations flattened the az CLI way (no properties)', () => {
    const network = withProperties(vnet('vnet', '10.0.0.0/16', []), {
      subnets: [{ id: ids.subnet('vnet', 'flat'), name: 'flat', addressPrefix: '10.0.5.0/24', networkSecurityGroup: { id: ids.nsg('nsg') } }],
    });
    const card: ArmResource = {
      id: ids.nic('nic-flat'),
      type: 'Microsoft.Network/networkInterfaces',
      properties: {
        ipConfigurations: [
          { id: ids.ipConfig('nic-flat'), name: 'ipconfig1', primary: true, privateIPAddress: '10.0.5.4', subnet: { id: ids.subnet('vnet', 'flat') }, publicIPAddress: { id: ids.pip('pip') } },
        ],
      },
    };
    const result = transformAzureResources([network, nsg('nsg', []), publicIp('pip', 'Standard', '203.0.113.5'), card]);
    expect(nodeOf(result, ids.subnet('vnet', 'flat'))?.properties).toMatchObject({ addressPrefixes: ['10.0.5.0/24'], networkSecurityGroupId: lower(ids.nsg('nsg')) });
    expect(hasEdge(result, ids.subnet('vnet', 'flat'), 'PROTECTED_BY', ids.nsg('nsg'))).toBe(true);
    expect(nodeOf(result, ids.nic('nic-flat'))?.properties.privateIPAddresses).toEqual(['10.0.5.4']);
    expect(hasEdge(result, ids.nic('nic-flat'), 'IN_SUBNET', ids.subnet('vnet', 'flat'))).toBe(true);
    expect(hasEdge(result, ids.nic('nic-flat'), 'HAS_PUBLIC_IP', ids.pip('pip'))).toBe(true);
    expect(result.danglingEdges).toEqual([]);
  });

  it('warns about and skips an inline subnet without an id', () => {
    const network = vnet('vnet', '10.0.0.0/16', []);
    const result = transformAzureResources([withProperties(network, { subnets: [{ name: 'anonymous', properties: { addressPrefix: '10.0.1.0/24' } }] })]);
    expect(result.nodesByKind.Subnet).toBeUndefined();
    expect(result.warnings).toEqual([{ subject: lower(ids.vnet('vnet')), message: expect.stringMatching(/subnet without an id/) }]);
  });
});

describe('network security groups', () => {
  it('links subnets and NICs to their NSG from the subnet/NIC side and from the NSG side, one edge each', () => {
    const fromNsgSide = withProperties(nsg('nsg-b', []), {
      subnets: [{ id: ids.subnet('vnet', 'b').toUpperCase() }],
      networkInterfaces: [{ id: ids.nic('nic-b') }],
    });
    const bothSides = withProperties(nsg('nsg-a', []), { subnets: [{ id: ids.subnet('vnet', 'a') }], networkInterfaces: [{ id: ids.nic('nic-a') }] });
    const result = transformAzureResources([
      vnet('vnet', '10.0.0.0/16', [
        { name: 'a', prefix: '10.0.1.0/24', nsg: 'nsg-a' },
        { name: 'b', prefix: '10.0.2.0/24' },
      ]),
      bothSides,
      fromNsgSide,
      nic({ name: 'nic-a', subnet: ['vnet', 'a'], privateIp: '10.0.1.4', nsg: 'nsg-a' }),
      nic({ name: 'nic-b', subnet: ['vnet', 'b'], privateIp: '10.0.2.4' }),
    ]);
    expect(edgesOfKind(result, 'PROTECTED_BY')).toEqual(
      [
        `${lower(ids.subnet('vnet', 'a'))} -> ${lower(ids.nsg('nsg-a'))}`,
        `${lower(ids.nic('nic-a'))} -> ${lower(ids.nsg('nsg-a'))}`,
        `${lower(ids.subnet('vnet', 'b'))} -> ${lower(ids.nsg('nsg-b'))}`,
        `${lower(ids.nic('nic-b'))} -> ${lower(ids.nsg('nsg-b'))}`,
      ].sort(),
    );
  });

  it('merges the singular and plural address and port fields of a rule, dropping blanks and repeats', () => {
    const group = withProperties(nsg('nsg', []), {
      securityRules: [
        {
          name: 'mixed',
          properties: {
            priority: 100,
            access: 'Allow',
            direction: 'Inbound',
            protocol: 'Tcp',
            sourceAddressPrefix: '10.0.0.0/8',
            sourceAddressPrefixes: ['192.168.0.0/16', '10.0.0.0/8'],
            destinationAddressPrefix: '',
            destinationAddressPrefixes: ['10.0.1.4'],
            destinationPortRange: '22',
            destinationPortRanges: ['443', '8000-8100'],
            sourceApplicationSecurityGroups: [{ id: ids.asg('ASG-Admins') }],
          },
        },
      ],
    });
    const [rule] = rulesOf(transformAzureResources([group]), ids.nsg('nsg'));
    expect(rule).toEqual({
      name: 'mixed',
      priority: 100,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'tcp',
      sourceAddressPrefixes: ['10.0.0.0/8', '192.168.0.0/16'],
      sourceApplicationSecurityGroupIds: [lower(ids.asg('asg-admins'))],
      destinationAddressPrefixes: ['10.0.1.4'],
      destinationApplicationSecurityGroupIds: [],
      sourcePortRanges: ['*'],
      destinationPortRanges: ['22', '443', '8000-8100'],
      isDefault: false,
    });
  });

  it('adds the six Azure default rules after the custom rules when the export has no defaultSecurityRules', () => {
    const result = transformAzureResources([nsg('nsg', [{ name: 'allow-https', priority: 100, ports: '443' }])]);
    const rules = rulesOf(result, ids.nsg('nsg'));
    expect(rules.map((rule) => [rule.name, rule.priority, rule.direction, rule.access, rule.isDefault])).toEqual([
      ['allow-https', 100, 'Inbound', 'Allow', false],
      ['AllowVnetInBound', 65000, 'Inbound', 'Allow', true],
      ['AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', true],
      ['DenyAllInBound', 65500, 'Inbound', 'Deny', true],
      ['AllowVnetOutBound', 65000, 'Outbound', 'Allow', true],
      ['AllowInternetOutBound', 65001, 'Outbound', 'Allow', true],
      ['DenyAllOutBound', 65500, 'Outbound', 'Deny', true],
    ]);
    expect(rules.slice(1)).toEqual(DEFAULT_SECURITY_RULES);
    expect(nodeOf(result, ids.nsg('nsg'))?.properties).toMatchObject({ defaultRulesSynthesized: true, customRuleCount: 1 });
  });

  it('keeps the default rules from the export when defaultSecurityRules is present', () => {
    const exported = [
      {
        name: 'DenyAllInBound',
        properties: { priority: 65500, access: 'Deny', direction: 'Inbound', protocol: '*', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*' },
      },
      {
        name: 'AllowVnetInBound',
        properties: { priority: 65000, access: 'Allow', direction: 'Inbound', protocol: '*', sourceAddressPrefix: 'VirtualNetwork', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '*' },
      },
    ];
    const result = transformAzureResources([withProperties(nsg('nsg', []), { defaultSecurityRules: exported })]);
    const rules = rulesOf(result, ids.nsg('nsg'));
    expect(rules.map((rule) => [rule.name, rule.priority, rule.access, rule.isDefault])).toEqual([
      ['DenyAllInBound', 65500, 'Deny', true],
      ['AllowVnetInBound', 65000, 'Allow', true],
    ]);
    expect(nodeOf(result, ids.nsg('nsg'))?.properties).toMatchObject({ defaultRulesSynthesized: false, customRuleCount: 0 });
  });

  it('reads rules flattened the az CLI way (fields at the top level, no properties)', () => {
    const group = withProperties(nsg('nsg', []), {
      securityRules: [
        {
          name: 'flat-ssh',
          priority: '110',
          access: 'allow',
          direction: 'inbound',
          protocol: 'TCP',
          sourceAddressPrefixes: ['198.51.100.0/24'],
          destinationAddressPrefix: '*',
          destinationPortRange: '22',
        },
      ],
    });
    const result = transformAzureResources([group]);
    const [rule] = rulesOf(result, ids.nsg('nsg'));
    expect(rule).toMatchObject({
      name: 'flat-ssh',
      priority: 110,
      access: 'Allow',
      direction: 'Inbound',
      protocol: 'tcp',
      sourceAddressPrefixes: ['198.51.100.0/24'],
      destinationPortRanges: ['22'],
      isDefault: false,
    });
    expect(result.warnings).toEqual([]);
  });

  it('warns about a rule without a priority, naming the NSG and the rule, and leaves only that rule out', () => {
    const group = withProperties(nsg('nsg-web', [{ name: 'good', priority: 100, ports: '443' }]), {});
    const rules = (group.properties as { securityRules: Array<Record<string, unknown>> }).securityRules;
    rules.push({ name: 'no-priority', properties: { access: 'Allow', direction: 'Inbound', protocol: 'Tcp', sourceAddressPrefix: '*', destinationPortRange: '22' } });
    rules.push({ name: 'bad-access', properties: { priority: 120, access: 'Maybe', direction: 'Inbound', protocol: 'Tcp' } });
    const result = transformAzureResources([group]);
    const nsgId = lower(ids.nsg('nsg-web'));
    expect(result.warnings).toEqual([
      { subject: nsgId, message: expect.stringMatching(/rule no-priority has no numeric priority.*left out/) },
      { subject: nsgId, message: expect.stringMatching(/rule bad-access has access Maybe/) },
    ]);
    const names = rulesOf(result, ids.nsg('nsg-web')).map((rule) => rule.name);
    expect(names).toContain('good');
    expect(names).not.toContain('no-priority');
    expect(names).not.toContain('bad-access');
    expect(nodeOf(result, ids.nsg('nsg-web'))?.properties.customRuleCount).toBe(1);
  });
});

describe('resources the loader does not model, or that are incomplete', () => {
  it('keeps unknown types as AzureResource nodes and counts them by lowercased type', () => {
    const cosmos = (name: string, type = 'Microsoft.DocumentDB/databaseAccounts'): ArmResource => ({
      id: `${RG_ID}/providers/Microsoft.DocumentDB/databaseAccounts/${name}`,
      type,
      name,
      kind: 'GlobalDocumentDB',
      sku: { name: 'Standard' },
    });
    const site: ArmResource = { id: `${RG_ID}/providers/Microsoft.Web/sites/app`, type: 'Microsoft.Web/sites' };
    const result = transformAzureResources([cosmos('cosa'), cosmos('cosb', 'microsoft.documentdb/databaseaccounts'), site]);
    expect(result.unknownTypes).toEqual({ 'microsoft.documentdb/databaseaccounts': 2, 'microsoft.web/sites': 1 });
    expect(result.nodesByKind.AzureResource).toBe(3);
    expect(nodeOf(result, `${RG_ID}/providers/Microsoft.DocumentDB/databaseAccounts/cosa`)).toMatchObject({
      kind: 'AzureResource',
      properties: { armType: 'microsoft.documentdb/databaseaccounts', sku: 'Standard', kindHint: 'GlobalDocumentDB', name: 'cosa' },
    });
    expect(hasEdge(result, RG_ID, 'CONTAINS', site.id)).toBe(true);
  });

  it('does not crash on resources of every modelled type with missing or null properties', () => {
    const types = [
      'Microsoft.Resources/subscriptions/resourceGroups',
      'Microsoft.Network/virtualNetworks',
      'Microsoft.Network/virtualNetworks/subnets',
      'Microsoft.Network/networkSecurityGroups',
      'Microsoft.Network/applicationSecurityGroups',
      'Microsoft.Network/publicIPAddresses',
      'Microsoft.Network/networkInterfaces',
      'Microsoft.Compute/virtualMachines',
      'Microsoft.Compute/virtualMachineScaleSets',
      'Microsoft.Network/loadBalancers',
      'Microsoft.Network/applicationGateways',
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.KeyVault/vaults',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.Sql/servers',
    ];
    const resources: ArmResource[] = types.flatMap((type, index) => [
      { id: `${RG_ID}/providers/${type}/bare${index}`, type },
      { id: `${RG_ID}/providers/${type}/null${index}`, type, properties: null, sku: null, tags: null, identity: null },
    ]);
    const result = transformAzureResources(resources);
    expect(result.graph.nodes).toHaveLength(resources.length + 3); // + internet, subscription, resource group
    expect(result.unknownTypes).toEqual({});
    expect(nodeOf(result, `${RG_ID}/providers/Microsoft.Network/networkSecurityGroups/bare3`)?.properties.defaultRulesSynthesized).toBe(true);
    expect(result.warnings.filter((warning) => /no ipConfigurations/.test(warning.message))).toHaveLength(2);
  });

  it('keeps an edge to a resource missing from the snapshot apart as dangling (a store may hold the target)', () => {
    const result = transformAzureResources([nic({ name: 'nic', subnet: ['vnet-gone', 'web'], privateIp: '10.0.1.4' })]);
    expect(nodeOf(result, ids.nic('nic'))?.kind).toBe('NetworkInterface');
    expect(result.danglingEdges.map((edge) => [edge.kind, edge.target])).toEqual([['IN_SUBNET', lower(ids.subnet('vnet-gone', 'web'))]]);
  });

  it('leaves dangling edges out of a snapshot loaded for analysis, and warns about the missing id', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-dangling-'));
    try {
      await mkdir(path.join(root, 'azure'));
      await writeFile(path.join(root, 'azure', 'r.json'), JSON.stringify([nic({ name: 'nic', subnet: ['vnet-gone', 'web'], privateIp: '10.0.1.4' })]));
      const loaded = await loadSnapshot(root);
      expect(loaded.graph.edges.filter((edge) => edge.kind === 'IN_SUBNET')).toEqual([]);
      expect(loaded.summary.danglingReferences).toBe(1);
      expect(loaded.summary.warnings).toContainEqual({
        subject: lower(ids.subnet('vnet-gone', 'web')),
        message: expect.stringMatching(/IN_SUBNET edge but not loaded/),
      });
      for (const edge of loaded.graph.edges) {
        expect(loaded.graph.nodes.some((node) => node.id === edge.source)).toBe(true);
        expect(loaded.graph.nodes.some((node) => node.id === edge.target)).toBe(true);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('public IPs, load balancers and scale sets', () => {
  it('treats a public IP without a sku as Basic and honours Standard in any case', () => {
    const { sku: _sku, ...noSku } = publicIp('pip-old', 'Basic', '203.0.113.1');
    const lowerStandard = { ...publicIp('pip-new', 'Standard', '203.0.113.2'), sku: { name: 'standard' } };
    const result = transformAzureResources([noSku, lowerStandard]);
    expect(nodeOf(result, ids.pip('pip-old'))?.properties).toMatchObject({ sku: 'Basic', ipAddress: '203.0.113.1', ipVersion: 'IPv4' });
    expect(nodeOf(result, ids.pip('pip-new'))?.properties.sku).toBe('Standard');
  });

  it('resolves a load balancer backend named by IP address and virtual network to that NIC only', () => {
    const lb = loadBalancer({ name: 'lb', publicIp: 'pip', pools: ['by-ip'] });
    const pools = (lb.properties as { backendAddressPools: Array<{ properties: Record<string, unknown> }> }).backendAddressPools;
    pools[0]!.properties.loadBalancerBackendAddresses = [
      { name: 'addr1', properties: { ipAddress: '10.0.1.4', virtualNetwork: { id: ids.vnet('VNET-A') } } },
    ];
    const result = transformAzureResources([
      vnet('vnet-a', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]),
      vnet('vnet-b', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]),
      publicIp('pip', 'Standard', '203.0.113.3'),
      lb,
      ...vmWithNic({ name: 'nic-a', vm: 'vm-a', subnet: ['vnet-a', 'web'], privateIp: '10.0.1.4' }),
      ...vmWithNic({ name: 'nic-b', vm: 'vm-b', subnet: ['vnet-b', 'web'], privateIp: '10.0.1.4' }),
    ]);
    expect(edgesOfKind(result, 'ROUTES_TO')).toEqual([`${lower(ids.lb('lb'))} -> ${lower(ids.nic('nic-a'))}`]);
    const decoded = JSON.parse(nodeOf(result, ids.lb('lb'))?.properties.backendAddressPools as string) as BackendAddressPool[];
    expect(decoded[0]?.backendIPConfigurationIds).toEqual([lower(ids.ipConfig('nic-a'))]);
    expect(decoded[0]?.addresses).toEqual([{ ipAddress: '10.0.1.4', virtualNetworkId: lower(ids.vnet('vnet-a')), fqdn: null }]);
  });

  it('links a scale set to the subnet and NSG of its NIC configuration and from its load balancer', () => {
    const result = transformAzureResources([
      nsg('nsg-api', []),
      vnet('vnet', '10.0.0.0/16', [{ name: 'api', prefix: '10.0.4.0/24' }]),
      publicIp('pip', 'Standard', '203.0.113.4'),
      loadBalancer({ name: 'lb', publicIp: 'pip', pools: ['api'] }),
      scaleSet({ name: 'vmss', subnet: ['vnet', 'api'], nsg: 'nsg-api', lbPools: [lbPool('lb', 'api')] }),
    ]);
    const vmssId = ids.vmss('vmss');
    expect(nodeOf(result, vmssId)?.kind).toBe('VirtualMachineScaleSet');
    expect(nodeOf(result, vmssId)?.properties).toMatchObject({ capacity: 3, vmSize: 'Standard_D2s_v5' });
    expect(hasEdge(result, vmssId, 'IN_SUBNET', ids.subnet('vnet', 'api'))).toBe(true);
    expect(hasEdge(result, vmssId, 'PROTECTED_BY', ids.nsg('nsg-api'))).toBe(true);
    expect(hasEdge(result, ids.lb('lb'), 'ROUTES_TO', vmssId)).toBe(true);
    expect(result.danglingEdges).toEqual([]);
  });
});

describe('loadSnapshot and ingestSnapshot', () => {
  const scratch = scratchFolder('reachgraph-');
  const put = scratch.put;

  it('summarises files, resources, duplicates, node kinds and errors of a snapshot directory', async () => {
    const network = vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]);
    await put('azure/network.json', { value: [network, publicIp('pip', 'Standard', '203.0.113.1')] });
    await put('azure/compute.json', [
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip' }),
      { ...network, id: network.id.toUpperCase() },
      { id: `${RG_ID}/providers/Microsoft.Web/serverFarms/plan`, type: 'Microsoft.Web/serverFarms' },
    ]);
    await put('azure/broken.json', '[{');
    const { graph, summary } = await loadSnapshot(scratch.root);
    expect(summary).toMatchObject({
      snapshot: scratch.root,
      files: 3,
      resources: 5,
      duplicateResources: 1,
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      unknownTypes: { 'microsoft.web/serverfarms': 1 },
      danglingReferences: 0,
      warnings: [],
    });
    expect(summary.nodesByKind).toEqual({
      Internet: 1,
      Subscription: 1,
      ResourceGroup: 1,
      VirtualNetwork: 1,
      Subnet: 1,
      PublicIPAddress: 1,
      NetworkInterface: 1,
      VirtualMachine: 1,
      AzureResource: 1,
    });
    expect(summary.errors).toEqual([{ path: path.join('azure', 'broken.json'), message: expect.stringMatching(/malformed JSON/) }]);
  });

  it('writes the transformed graph into a store and reports the store location', async () => {
    await put('azure/resources.json', [vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]), ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4' })]);
    const store = EmbeddedStore.inMemory();
    const progress: Array<[number, number]> = [];
    const summary = await ingestSnapshot(scratch.root, store, { batchSize: 2, onProgress: (written, total) => progress.push([written, total]) });
    const stored = await store.readGraph();
    expect(summary.store).toBe('memory');
    expect(stored.nodes).toHaveLength(summary.nodes);
    expect(stored.edges).toHaveLength(summary.edges);
    expect(await store.countNodesByKind()).toEqual(summary.nodesByKind);
    const total = summary.nodes + summary.edges;
    expect(progress.at(-1)).toEqual([total, total]);
    expect(progress.every(([written], index) => index === 0 || written > progress[index - 1]![0])).toBe(true);
  });
});

describe('flattened exports', () => {
  it('an NSG exported by `az network nsg list` (fields at the top level, no properties) keeps its rules', () => {
    const flattened = {
      id: ids.nsg('nsg-flat'),
      name: 'nsg-flat',
      type: 'Microsoft.Network/networkSecurityGroups',
      securityRules: [
        { name: 'https', priority: 100, access: 'Allow', direction: 'Inbound', protocol: 'Tcp', sourceAddressPrefix: 'Internet', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' },
      ],
    } as ArmResource;
    const result = transformAzureResources([flattened]);
    const rules = rulesOf(result, lower(ids.nsg('nsg-flat')));
    expect(rules.filter((rule) => !rule.isDefault).map((rule) => [rule.name, rule.destinationPortRanges])).toEqual([['https', ['443']]]);
  });

  it('source port ranges are kept, and default to `*` when the export leaves them out', () => {
    const result = transformAzureResources([
      nsg('nsg', [{ name: 'r', priority: 100, ports: '22' }]),
      {
        id: ids.nsg('nsg-sp'),
        name: 'nsg-sp',
        type: 'Microsoft.Network/networkSecurityGroups',
        properties: { securityRules: [{ name: 'sp', properties: { priority: 100, access: 'Deny', direction: 'Inbound', protocol: 'Tcp', sourcePortRanges: ['1000-2000'], destinationPortRange: '22' } }] },
      },
    ]);
    expect(rulesOf(result, lower(ids.nsg('nsg-sp')))[0]?.sourcePortRanges).toEqual(['1000-2000']);
    expect(rulesOf(result, lower(ids.nsg('nsg')))[0]?.sourcePortRanges).toEqual(['*']);
  });
});
