/**
 * A synthetic Azure estate of any size, shaped like real ones: spoke VNets of
 * 250 VMs in five subnets, subnet NSGs with a few dozen rules, some NIC NSGs,
 * a share of VMs with Basic or Standard public IPs, public load balancers in
 * front of web tiers, an application gateway per spoke, and one VM in ten with
 * an identity that is Contributor on its spoke (a key vault and a storage
 * account each): attack paths to compute.
 */
import type { ArmResource } from '../src/snapshot/arm-resource.js';

const VMS_PER_SPOKE = 250;
const TENANT = '00000000-0000-4000-8000-00000000000a';
const CONTRIBUTOR = '/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c';
const SUBNETS = ['web', 'app', 'data', 'batch', 'legacy'] as const;

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function nsgRules(random: () => number, count: number): Record<string, unknown>[] {
  const sources = ['Internet', '*', '198.51.100.0/24', '203.0.113.0/25', 'VirtualNetwork', 'AzureLoadBalancer', 'AzureFrontDoor.Backend', '10.0.0.0/8'];
  return Array.from({ length: count }, (_, index) => {
    const port = [22, 80, 443, 3389, 8080, 8443, 1433, 5432][Math.floor(random() * 8)]!;
    return {
      name: `rule-${index}`,
      properties: {
        priority: 100 + index * 10,
        direction: random() < 0.9 ? 'Inbound' : 'Outbound',
        access: random() < 0.7 ? 'Allow' : 'Deny',
        protocol: ['Tcp', 'Udp', '*'][Math.floor(random() * 3)],
        sourcePortRange: '*',
        sourceAddressPrefix: sources[Math.floor(random() * sources.length)],
        destinationAddressPrefix: '*',
        ...(random() < 0.3 ? { destinationPortRanges: [String(port), `${port + 1000}-${port + 1100}`] } : { destinationPortRange: String(port) }),
      },
    };
  });
}

export function syntheticEstate(vmCount: number, seed = 42): ArmResource[] {
  const random = rng(seed);
  const resources: ArmResource[] = [];
  const spokes = Math.ceil(vmCount / VMS_PER_SPOKE);
  let vmIndex = 0;
  for (let spoke = 0; spoke < spokes; spoke += 1) {
    const subscription = `00000000-0000-4000-8000-${String(Math.floor(spoke / 10)).padStart(12, '0')}`;
    const group = `/subscriptions/${subscription}/resourceGroups/rg-spoke-${spoke}`;
    const net = `${group}/providers/Microsoft.Network`;
    const vnetId = `${net}/virtualNetworks/vnet-${spoke}`;
    const base = { location: 'westeurope', subscriptionId: subscription, resourceGroup: `rg-spoke-${spoke}` };
    const second = spoke % 250;
    for (const subnet of SUBNETS) {
      resources.push({ ...base, id: `${net}/networkSecurityGroups/nsg-${spoke}-${subnet}`, name: `nsg-${spoke}-${subnet}`, type: 'Microsoft.Network/networkSecurityGroups', properties: { securityRules: nsgRules(random, 10 + Math.floor(random() * 30)) } });
    }
    resources.push({
      ...base,
      id: vnetId,
      name: `vnet-${spoke}`,
      type: 'Microsoft.Network/virtualNetworks',
      properties: {
        addressSpace: { addressPrefixes: [`10.${second}.0.0/16`] },
        subnets: [...SUBNETS, 'agw'].map((subnet, index) => ({
          id: `${vnetId}/subnets/${subnet}`,
          name: subnet,
          properties: { addressPrefix: `10.${second}.${index}.0/24`, ...(subnet === 'agw' ? {} : { networkSecurityGroup: { id: `${net}/networkSecurityGroups/nsg-${spoke}-${subnet}` } }) },
        })),
      },
    });
    const lbId = `${net}/loadBalancers/lb-${spoke}`;
    resources.push({ ...base, id: `${net}/publicIPAddresses/pip-lb-${spoke}`, name: `pip-lb-${spoke}`, type: 'Microsoft.Network/publicIPAddresses', sku: { name: 'Standard' }, properties: { ipAddress: `198.18.${spoke % 256}.1` } });
    resources.push({
      ...base,
      id: lbId,
      name: `lb-${spoke}`,
      type: 'Microsoft.Network/loadBalancers',
      sku: { name: 'Standard' },
      properties: {
        frontendIPConfigurations: [{ id: `${lbId}/frontendIPConfigurations/fe`, name: 'fe', properties: { publicIPAddress: { id: `${net}/publicIPAddresses/pip-lb-${spoke}` } } }],
        backendAddressPools: [{ id: `${lbId}/backendAddressPools/web`, name: 'web', properties: {} }],
        loadBalancingRules: [
          { id: `${lbId}/loadBalancingRules/https`, name: 'https', properties: { frontendIPConfiguration: { id: `${lbId}/frontendIPConfigurations/fe` }, backendAddressPool: { id: `${lbId}/backendAddressPools/web` }, protocol: 'Tcp', frontendPort: 443, backendPort: 8443 } },
        ],
      },
    });
    const agwId = `${net}/applicationGateways/agw-${spoke}`;
    resources.push({ ...base, id: `${net}/publicIPAddresses/pip-agw-${spoke}`, name: `pip-agw-${spoke}`, type: 'Microsoft.Network/publicIPAddresses', sku: { name: 'Standard' }, properties: { ipAddress: `198.19.${spoke % 256}.1` } });
    resources.push({
      ...base,
      id: agwId,
      name: `agw-${spoke}`,
      type: 'Microsoft.Network/applicationGateways',
      properties: {
        sku: { name: 'Standard_v2', tier: 'Standard_v2' },
        gatewayIPConfigurations: [{ name: 'gw', properties: { subnet: { id: `${vnetId}/subnets/agw` } } }],
        frontendIPConfigurations: [{ id: `${agwId}/frontendIPConfigurations/pub`, name: 'pub', properties: { publicIPAddress: { id: `${net}/publicIPAddresses/pip-agw-${spoke}` } } }],
        frontendPorts: [{ id: `${agwId}/frontendPorts/https`, name: 'https', properties: { port: 443 } }],
        httpListeners: [{ id: `${agwId}/httpListeners/l`, name: 'l', properties: { frontendIPConfiguration: { id: `${agwId}/frontendIPConfigurations/pub` }, frontendPort: { id: `${agwId}/frontendPorts/https` }, protocol: 'Https' } }],
        backendAddressPools: [{ id: `${agwId}/backendAddressPools/app`, name: 'app', properties: {} }],
        backendHttpSettingsCollection: [{ id: `${agwId}/backendHttpSettingsCollection/s`, name: 's', properties: { port: 8080, protocol: 'Http' } }],
        requestRoutingRules: [{ name: 'r', properties: { httpListener: { id: `${agwId}/httpListeners/l` }, backendAddressPool: { id: `${agwId}/backendAddressPools/app` }, backendHttpSettings: { id: `${agwId}/backendHttpSettingsCollection/s` } } }],
      },
    });
    for (let index = 0; index < VMS_PER_SPOKE && vmIndex < vmCount; index += 1, vmIndex += 1) {
      const subnetIndex = index % SUBNETS.length;
      const subnet = SUBNETS[subnetIndex]!;
      const nicId = `${net}/networkInterfaces/nic-${vmIndex}`;
      const vmId = `${group}/providers/Microsoft.Compute/virtualMachines/vm-${vmIndex}`;
      const publicIp = random() < 0.2 ? `${net}/publicIPAddresses/pip-vm-${vmIndex}` : null;
      if (publicIp) {
        resources.push({ ...base, id: publicIp, name: `pip-vm-${vmIndex}`, type: 'Microsoft.Network/publicIPAddresses', sku: { name: random() < 0.5 ? 'Basic' : 'Standard' }, properties: { ipAddress: `198.51.${Math.floor(vmIndex / 256) % 256}.${vmIndex % 256}` } });
      }
      const nicNsg = random() < 0.1 ? `${net}/networkSecurityGroups/nsg-nic-${vmIndex}` : null;
      if (nicNsg) {
        resources.push({ ...base, id: nicNsg, name: `nsg-nic-${vmIndex}`, type: 'Microsoft.Network/networkSecurityGroups', properties: { securityRules: nsgRules(random, 5) } });
      }
      resources.push({
        ...base,
        id: nicId,
        name: `nic-${vmIndex}`,
        type: 'Microsoft.Network/networkInterfaces',
        properties: {
          virtualMachine: { id: vmId },
          ...(nicNsg ? { networkSecurityGroup: { id: nicNsg } } : {}),
          ipConfigurations: [
            {
              id: `${nicId}/ipConfigurations/ipconfig1`,
              name: 'ipconfig1',
              properties: {
                privateIPAddress: `10.${second}.${subnetIndex}.${4 + (index % 250)}`,
                subnet: { id: `${vnetId}/subnets/${subnet}` },
                ...(publicIp ? { publicIPAddress: { id: publicIp } } : {}),
                loadBalancerBackendAddressPools: subnet === 'web' ? [{ id: `${lbId}/backendAddressPools/web` }] : [],
                applicationGatewayBackendAddressPools: subnet === 'app' ? [{ id: `${agwId}/backendAddressPools/app` }] : [],
              },
            },
          ],
        },
      });
      // One VM in ten has a system-assigned identity with Contributor on its spoke's resource group.
      const principalId = index % 10 === 0 ? `10000000-0000-4000-8000-${String(vmIndex).padStart(12, '0')}` : null;
      resources.push({
        ...base,
        id: vmId,
        name: `vm-${vmIndex}`,
        type: 'Microsoft.Compute/virtualMachines',
        ...(principalId ? { identity: { type: 'SystemAssigned', principalId, tenantId: TENANT } } : {}),
        properties: { hardwareProfile: { vmSize: 'Standard_D2s_v5' }, storageProfile: { osDisk: { osType: 'Linux' } }, networkProfile: { networkInterfaces: [{ id: nicId }] } },
      });
      if (principalId) {
        resources.push({
          id: `${group}/providers/Microsoft.Authorization/roleAssignments/${principalId.replace(/^1/, '2')}`,
          name: principalId.replace(/^1/, '2'),
          type: 'microsoft.authorization/roleassignments',
          subscriptionId: subscription,
          resourceGroup: `rg-spoke-${spoke}`,
          properties: { principalId, principalType: 'ServicePrincipal', scope: group, roleDefinitionId: `/subscriptions/${subscription}${CONTRIBUTOR}` },
        });
      }
    }
    // Crown jewels in every spoke: a key vault and a storage account.
    resources.push({ ...base, id: `${group}/providers/Microsoft.KeyVault/vaults/kv-spoke-${spoke}`, name: `kv-spoke-${spoke}`, type: 'Microsoft.KeyVault/vaults', properties: { enableRbacAuthorization: true } });
    resources.push({ ...base, id: `${group}/providers/Microsoft.Storage/storageAccounts/stspoke${spoke}`, name: `stspoke${spoke}`, type: 'Microsoft.Storage/storageAccounts', properties: {} });
  }
  return resources;
}
