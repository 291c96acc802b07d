import { parentResourceId } from '../../model/ids.js';
import type { ScaleSetIpConfiguration, ScaleSetNicConfiguration } from '../../model/network.js';
import { asObject, integer, objects, propertiesOf, refId, refIds, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

function identityType(identity: unknown): string | null {
  return text(asObject(identity)?.type);
}

export const virtualMachines: ResourceFamily = {
  key: 'virtualMachines',
  name: 'virtual machines',
  armTypes: ['microsoft.compute/virtualmachines'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const networkInterfaceIds = refIds(asObject(properties.networkProfile)?.networkInterfaces);
    const storageProfile = asObject(properties.storageProfile);
    const vmId = context.addResourceNode(resource, 'VirtualMachine', {
      vmSize: text(asObject(properties.hardwareProfile)?.vmSize),
      osType: text(asObject(storageProfile?.osDisk)?.osType),
      computerName: text(asObject(properties.osProfile)?.computerName),
      // Resource Graph adds the instance view under `extended`; ARM list calls do not.
      powerState: text(asObject(asObject(asObject(properties.extended)?.instanceView)?.powerState)?.code),
      identityType: identityType(resource.identity),
      networkInterfaceIds,
    });
    for (const nicId of networkInterfaceIds) context.addEdge(nicId, 'ATTACHED_TO', vmId);
  },
};

function scaleSetIpConfiguration(raw: Record<string, unknown>): ScaleSetIpConfiguration {
  const properties = propertiesOf(raw);
  const publicIp = asObject(properties.publicIPAddressConfiguration);
  return {
    name: text(raw.name) ?? 'ipconfig',
    subnetId: refId(properties.subnet),
    publicIPAddressSku: publicIp ? (text(asObject(publicIp.sku)?.name)?.toLowerCase() === 'standard' ? 'Standard' : 'Basic') : null,
    loadBalancerBackendAddressPoolIds: refIds(properties.loadBalancerBackendAddressPools),
    loadBalancerInboundNatPoolIds: refIds(properties.loadBalancerInboundNatPools),
    applicationGatewayBackendAddressPoolIds: refIds(properties.applicationGatewayBackendAddressPools),
    applicationSecurityGroupIds: refIds(properties.applicationSecurityGroups),
  };
}

function scaleSetNicConfiguration(raw: Record<string, unknown>): ScaleSetNicConfiguration {
  const properties = propertiesOf(raw);
  return {
    name: text(raw.name) ?? 'nic',
    primary: properties.primary === true,
    networkSecurityGroupId: refId(properties.networkSecurityGroup),
    ipConfigurations: objects(properties.ipConfigurations).map(scaleSetIpConfiguration),
  };
}

export const virtualMachineScaleSets: ResourceFamily = {
  key: 'virtualMachineScaleSets',
  name: 'virtual machine scale sets',
  armTypes: ['microsoft.compute/virtualmachinescalesets'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const profile = asObject(properties.virtualMachineProfile);
    const nicConfigurations = objects(asObject(profile?.networkProfile)?.networkInterfaceConfigurations).map(scaleSetNicConfiguration);
    const scaleSetId = context.addResourceNode(resource, 'VirtualMachineScaleSet', {
      capacity: integer(resource.sku?.capacity),
      vmSize: text(resource.sku?.name),
      osType: text(asObject(asObject(profile?.storageProfile)?.osDisk)?.osType),
      identityType: identityType(resource.identity),
      orchestrationMode: text(properties.orchestrationMode),
      networkInterfaceConfigurations: JSON.stringify(nicConfigurations),
    });
    for (const nic of nicConfigurations) {
      if (nic.networkSecurityGroupId) context.addEdge(scaleSetId, 'PROTECTED_BY', nic.networkSecurityGroupId);
      for (const config of nic.ipConfigurations) {
        if (config.subnetId) context.addEdge(scaleSetId, 'IN_SUBNET', config.subnetId);
        for (const asgId of config.applicationSecurityGroupIds) context.addEdge(scaleSetId, 'MEMBER_OF', asgId);
        const pools = [
          ...config.loadBalancerBackendAddressPoolIds,
          ...config.loadBalancerInboundNatPoolIds,
          ...config.applicationGatewayBackendAddressPoolIds,
        ];
        for (const poolId of pools) {
          const frontId = parentResourceId(poolId);
          if (frontId) context.addEdge(frontId, 'ROUTES_TO', scaleSetId);
        }
      }
    }
  },
};

