import { normalizeId, parentResourceId } from '../../model/ids.js';
import type { NicIpConfiguration } from '../../model/network.js';
import type { TransformContext } from '../context.js';
import { objects, propertiesOf, refId, refIds, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

function ipConfiguration(raw: Record<string, unknown>, nicId: string, context: TransformContext): NicIpConfiguration {
  const properties = propertiesOf(raw);
  const name = text(raw.name) ?? 'ipconfig';
  const id = normalizeId(text(raw.id) ?? `${nicId}/ipConfigurations/${name}`);
  return {
    id,
    name,
    primary: properties.primary === true,
    privateIPAddress: text(properties.privateIPAddress),
    subnetId: refId(properties.subnet),
    publicIPAddressId: refId(properties.publicIPAddress) ?? context.publicIpOf(id),
    loadBalancerBackendAddressPoolIds: refIds(properties.loadBalancerBackendAddressPools),
    loadBalancerInboundNatRuleIds: refIds(properties.loadBalancerInboundNatRules),
    applicationGatewayBackendAddressPoolIds: refIds(properties.applicationGatewayBackendAddressPools),
    applicationSecurityGroupIds: refIds(properties.applicationSecurityGroups),
  };
}

export const networkInterfaces: ResourceFamily = {
  key: 'networkInterfaces',
  name: 'network interfaces',
  armTypes: ['microsoft.network/networkinterfaces'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const nicId = normalizeId(resource.id);
    const configurations = objects(properties.ipConfigurations).map((raw) => ipConfiguration(raw, nicId, context));
    if (configurations.length === 0) context.warn(nicId, 'network interface has no ipConfigurations; it cannot be reached');
    const networkSecurityGroupId = refId(properties.networkSecurityGroup);
    const virtualMachineId = refId(properties.virtualMachine);
    context.addResourceNode(resource, 'NetworkInterface', {
      ipConfigurations: JSON.stringify(configurations),
      privateIPAddresses: configurations.map((config) => config.privateIPAddress).filter((ip): ip is string => ip !== null),
      networkSecurityGroupId,
      virtualMachineId,
    });
    if (networkSecurityGroupId) context.addEdge(nicId, 'PROTECTED_BY', networkSecurityGroupId);
    if (virtualMachineId) context.addEdge(nicId, 'ATTACHED_TO', virtualMachineId);
    for (const config of configurations) {
      if (config.subnetId) context.addEdge(nicId, 'IN_SUBNET', config.subnetId, { privateIPAddress: config.privateIPAddress });
      if (config.publicIPAddressId) context.addEdge(nicId, 'HAS_PUBLIC_IP', config.publicIPAddressId, { ipConfiguration: config.name });
      for (const asgId of config.applicationSecurityGroupIds) context.addEdge(nicId, 'MEMBER_OF', asgId);
      const pools = [...config.loadBalancerBackendAddressPoolIds, ...config.loadBalancerInboundNatRuleIds, ...config.applicationGatewayBackendAddressPoolIds];
      for (const poolId of pools) {
        const frontId = parentResourceId(poolId);
        if (frontId) context.addEdge(frontId, 'ROUTES_TO', nicId);
      }
    }
  },
};
