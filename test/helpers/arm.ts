/**
 * Builders for small ARM estates in tests: resources shaped as Azure returns
 * them, with ids derived from names so tests read like a network diagram.
 */
import type { ArmResource } from '../../src/snapshot/arm-resource.js';

export const SUB = '00000000-0000-0000-0000-000000000001';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-test`;

export const ids = {
  vnet: (name: string) => `${RG}/providers/Microsoft.Network/virtualNetworks/${name}`,
  subnet: (vnet: string, name: string) => `${ids.vnet(vnet)}/subnets/${name}`,
  nsg: (name: string) => `${RG}/providers/Microsoft.Network/networkSecurityGroups/${name}`,
  nic: (name: string) => `${RG}/providers/Microsoft.Network/networkInterfaces/${name}`,
  ipConfig: (nic: string, name = 'ipconfig1') => `${ids.nic(nic)}/ipConfigurations/${name}`,
  pip: (name: string) => `${RG}/providers/Microsoft.Network/publicIPAddresses/${name}`,
  vm: (name: string) => `${RG}/providers/Microsoft.Compute/virtualMachines/${name}`,
  vmss: (name: string) => `${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`,
  lb: (name: string) => `${RG}/providers/Microsoft.Network/loadBalancers/${name}`,
  agw: (name: string) => `${RG}/providers/Microsoft.Network/applicationGateways/${name}`,
  asg: (name: string) => `${RG}/providers/Microsoft.Network/applicationSecurityGroups/${name}`,
};

export const lower = (id: string) => id.toLowerCase();

function resource(id: string, type: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}): ArmResource {
  return { id, name: id.split('/').pop(), type, location: 'westeurope', subscriptionId: SUB, resourceGroup: 'rg-test', properties, ...extra };
}

export interface RuleSpec {
  name: string;
  priority: number;
  access?: 'Allow' | 'Deny';
  direction?: 'Inbound' | 'Outbound';
  protocol?: string;
  source?: string | string[];
  destination?: string | string[];
  ports?: string | string[];
  destinationAsgs?: string[];
}

export function rule(spec: RuleSpec): Record<string, unknown> {
  const plural = (value: string | string[] | undefined, singular: string, many: string, fallback: string) =>
    Array.isArray(value) ? { [many]: value } : { [singular]: value ?? fallback };
  return {
    name: spec.name,
    properties: {
      priority: spec.priority,
      access: spec.access ?? 'Allow',
      direction: spec.direction ?? 'Inbound',
      protocol: spec.protocol ?? 'Tcp',
      sourcePortRange: '*',
      ...plural(spec.source, 'sourceAddressPrefix', 'sourceAddressPrefixes', '*'),
      ...plural(spec.destination, 'destinationAddressPrefix', 'destinationAddressPrefixes', '*'),
      ...plural(spec.ports, 'destinationPortRange', 'destinationPortRanges', '*'),
      ...(spec.destinationAsgs ? { destinationApplicationSecurityGroups: spec.destinationAsgs.map((id) => ({ id })) } : {}),
    },
  };
}

export function nsg(name: string, rules: RuleSpec[]): ArmResource {
  return resource(ids.nsg(name), 'Microsoft.Network/networkSecurityGroups', { securityRules: rules.map(rule) });
}

export function vnet(name: string, prefix: string, subnets: Array<{ name: string; prefix: string; nsg?: string }>): ArmResource {
  return resource(ids.vnet(name), 'Microsoft.Network/virtualNetworks', {
    addressSpace: { addressPrefixes: [prefix] },
    subnets: subnets.map((subnet) => ({
      id: ids.subnet(name, subnet.name),
      name: subnet.name,
      properties: { addressPrefix: subnet.prefix, ...(subnet.nsg ? { networkSecurityGroup: { id: ids.nsg(subnet.nsg) } } : {}) },
    })),
  });
}

export function publicIp(name: string, sku: 'Basic' | 'Standard', address: string, ipConfigurationId?: string): ArmResource {
  return resource(
    ids.pip(name),
    'Microsoft.Network/publicIPAddresses',
    { ipAddress: address, publicIPAllocationMethod: 'Static', ...(ipConfigurationId ? { ipConfiguration: { id: ipConfigurationId } } : {}) },
    { sku: { name: sku } },
  );
}

export interface NicSpec {
  name: string;
  vm?: string;
  subnet: [vnet: string, subnet: string];
  privateIp: string;
  publicIp?: string;
  nsg?: string;
  lbPools?: string[];
  natRules?: string[];
  agwPools?: string[];
  asgs?: string[];
}

export function nic(spec: NicSpec): ArmResource {
  return resource(ids.nic(spec.name), 'Microsoft.Network/networkInterfaces', {
    ...(spec.vm ? { virtualMachine: { id: ids.vm(spec.vm) } } : {}),
    ...(spec.nsg ? { networkSecurityGroup: { id: ids.nsg(spec.nsg) } } : {}),
    ipConfigurations: [
      {
        id: ids.ipConfig(spec.name),
        name: 'ipconfig1',
        properties: {
          primary: true,
          privateIPAddress: spec.privateIp,
          subnet: { id: ids.subnet(...spec.subnet) },
          ...(spec.publicIp ? { publicIPAddress: { id: ids.pip(spec.publicIp) } } : {}),
          loadBalancerBackendAddressPools: (spec.lbPools ?? []).map((id) => ({ id })),
          loadBalancerInboundNatRules: (spec.natRules ?? []).map((id) => ({ id })),
          applicationGatewayBackendAddressPools: (spec.agwPools ?? []).map((id) => ({ id })),
          applicationSecurityGroups: (spec.asgs ?? []).map((id) => ({ id })),
        },
      },
    ],
  });
}

export function vm(name: string, nics: string[]): ArmResource {
  return resource(ids.vm(name), 'Microsoft.Compute/virtualMachines', {
    hardwareProfile: { vmSize: 'Standard_B2s' },
    networkProfile: { networkInterfaces: nics.map((nicName) => ({ id: ids.nic(nicName) })) },
  });
}

/** A VM with one NIC: the common case. */
export function vmWithNic(spec: Omit<NicSpec, 'vm'> & { vm: string }): ArmResource[] {
  return [nic(spec), vm(spec.vm, [spec.name])];
}

export interface LbSpec {
  name: string;
  sku?: 'Basic' | 'Standard';
  publicIp?: string;
  privateIp?: string;
  subnet?: [string, string];
  pools?: string[];
  rules?: Array<{ name: string; protocol: 'Tcp' | 'Udp' | 'All'; frontendPort: number; backendPort: number; pool: string }>;
  natRules?: Array<{ name: string; protocol: 'Tcp' | 'Udp'; frontendPort: number; backendPort: number }>;
  natPools?: Array<{ name: string; protocol: 'Tcp' | 'Udp'; start: number; end: number; backendPort: number }>;
}

export function loadBalancer(spec: LbSpec): ArmResource {
  const id = ids.lb(spec.name);
  const frontend = { id: `${id}/frontendIPConfigurations/fe` };
  return resource(
    id,
    'Microsoft.Network/loadBalancers',
    {
      frontendIPConfigurations: [
        {
          ...frontend,
          name: 'fe',
          properties: spec.publicIp
            ? { publicIPAddress: { id: ids.pip(spec.publicIp) } }
            : { privateIPAddress: spec.privateIp, subnet: { id: ids.subnet(...(spec.subnet ?? ['vnet', 'default'])) } },
        },
      ],
      backendAddressPools: (spec.pools ?? []).map((pool) => ({ id: `${id}/backendAddressPools/${pool}`, name: pool, properties: {} })),
      loadBalancingRules: (spec.rules ?? []).map((rule) => ({
        id: `${id}/loadBalancingRules/${rule.name}`,
        name: rule.name,
        properties: {
          frontendIPConfiguration: frontend,
          backendAddressPool: { id: `${id}/backendAddressPools/${rule.pool}` },
          protocol: rule.protocol,
          frontendPort: rule.frontendPort,
          backendPort: rule.backendPort,
        },
      })),
      inboundNatRules: (spec.natRules ?? []).map((rule) => ({
        id: `${id}/inboundNatRules/${rule.name}`,
        name: rule.name,
        properties: { frontendIPConfiguration: frontend, protocol: rule.protocol, frontendPort: rule.frontendPort, backendPort: rule.backendPort },
      })),
      inboundNatPools: (spec.natPools ?? []).map((pool) => ({
        id: `${id}/inboundNatPools/${pool.name}`,
        name: pool.name,
        properties: {
          frontendIPConfiguration: frontend,
          protocol: pool.protocol,
          frontendPortRangeStart: pool.start,
          frontendPortRangeEnd: pool.end,
          backendPort: pool.backendPort,
        },
      })),
    },
    { sku: { name: spec.sku ?? 'Standard' } },
  );
}

export const lbPool = (lb: string, pool: string) => `${ids.lb(lb)}/backendAddressPools/${pool}`;
export const lbNatRule = (lb: string, rule: string) => `${ids.lb(lb)}/inboundNatRules/${rule}`;
export const lbNatPool = (lb: string, pool: string) => `${ids.lb(lb)}/inboundNatPools/${pool}`;

export function scaleSet(spec: {
  name: string;
  subnet: [string, string];
  nsg?: string;
  lbPools?: string[];
  natPools?: string[];
  publicIpSku?: 'Basic' | 'Standard';
}): ArmResource {
  return resource(
    ids.vmss(spec.name),
    'Microsoft.Compute/virtualMachineScaleSets',
    {
      virtualMachineProfile: {
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: 'nic',
              properties: {
                primary: true,
                ...(spec.nsg ? { networkSecurityGroup: { id: ids.nsg(spec.nsg) } } : {}),
                ipConfigurations: [
                  {
                    name: 'ipconfig',
                    properties: {
                      subnet: { id: ids.subnet(...spec.subnet) },
                      loadBalancerBackendAddressPools: (spec.lbPools ?? []).map((id) => ({ id })),
                      loadBalancerInboundNatPools: (spec.natPools ?? []).map((id) => ({ id })),
                      ...(spec.publicIpSku ? { publicIPAddressConfiguration: { name: 'pub', sku: { name: spec.publicIpSku } } } : {}),
                    },
                  },
                ],
              },
            },
          ],
        },
      },
    },
    { sku: { name: 'Standard_D2s_v5', capacity: 3 } },
  );
}

export function applicationGateway(spec: {
  name: string;
  publicIp: string;
  subnet: [string, string];
  listenerPort: number;
  pool: string;
  backendIpConfigurations: string[];
  backendPort: number;
}): ArmResource {
  const id = ids.agw(spec.name);
  return resource(id, 'Microsoft.Network/applicationGateways', {
    sku: { name: 'Standard_v2', tier: 'Standard_v2' },
    gatewayIPConfigurations: [{ id: `${id}/gatewayIPConfigurations/gw`, name: 'gw', properties: { subnet: { id: ids.subnet(...spec.subnet) } } }],
    frontendIPConfigurations: [{ id: `${id}/frontendIPConfigurations/public`, name: 'public', properties: { publicIPAddress: { id: ids.pip(spec.publicIp) } } }],
    frontendPorts: [{ id: `${id}/frontendPorts/p`, name: 'p', properties: { port: spec.listenerPort } }],
    httpListeners: [
      {
        id: `${id}/httpListeners/l`,
        name: 'l',
        properties: { frontendIPConfiguration: { id: `${id}/frontendIPConfigurations/public` }, frontendPort: { id: `${id}/frontendPorts/p` }, protocol: 'Https' },
      },
    ],
    backendAddressPools: [
      { id: `${id}/backendAddressPools/${spec.pool}`, name: spec.pool, properties: { backendIPConfigurations: spec.backendIpConfigurations.map((ip) => ({ id: ip })) } },
    ],
    backendHttpSettingsCollection: [{ id: `${id}/backendHttpSettingsCollection/s`, name: 's', properties: { port: spec.backendPort, protocol: 'Http' } }],
    requestRoutingRules: [
      {
        id: `${id}/requestRoutingRules/r`,
        name: 'r',
        properties: {
          ruleType: 'Basic',
          httpListener: { id: `${id}/httpListeners/l` },
          backendAddressPool: { id: `${id}/backendAddressPools/${spec.pool}` },
          backendHttpSettings: { id: `${id}/backendHttpSettingsCollection/s` },
        },
      },
    ],
  });
}
