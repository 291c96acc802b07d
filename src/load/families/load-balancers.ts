import { normalizeId, parentResourceId } from '../../model/ids.js';
import type {
  BackendAddressPool,
  FrontendIPConfiguration,
  InboundNatPool,
  InboundNatRule,
  LbProtocol,
  LoadBalancingRule,
} from '../../model/network.js';
import type { TransformContext } from '../context.js';
import { integer, objects, propertiesOf, refId, refIds, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

function childId(raw: Record<string, unknown>, parentId: string, collection: string): string {
  return normalizeId(text(raw.id) ?? `${parentId}/${collection}/${text(raw.name) ?? 'unnamed'}`);
}

function lbProtocol(value: unknown): LbProtocol {
  const protocol = text(value)?.toLowerCase();
  return protocol === 'udp' ? 'udp' : protocol === 'all' ? 'all' : 'tcp';
}

export function frontendIPConfigurations(raw: unknown, parentId: string, context: TransformContext): FrontendIPConfiguration[] {
  return objects(raw).map((item) => {
    const properties = propertiesOf(item);
    const id = childId(item, parentId, 'frontendIPConfigurations');
    return {
      id,
      name: text(item.name) ?? id.split('/').pop()!,
      publicIPAddressId: refId(properties.publicIPAddress) ?? context.publicIpOf(id),
      privateIPAddress: text(properties.privateIPAddress),
      subnetId: refId(properties.subnet),
    };
  });
}

function backendAddressPools(raw: unknown, lbId: string, context: TransformContext): BackendAddressPool[] {
  return objects(raw).map((item) => {
    const properties = propertiesOf(item);
    const addresses = objects(properties.loadBalancerBackendAddresses).map((address) => {
      const addressProperties = propertiesOf(address);
      return {
        ipAddress: text(addressProperties.ipAddress),
        virtualNetworkId: refId(addressProperties.virtualNetwork),
        fqdn: null,
      };
    });
    // Pool members may be named by ip configuration or by private address within a virtual network.
    const byAddress = objects(properties.loadBalancerBackendAddresses).flatMap((address) => {
      const addressProperties = propertiesOf(address);
      const ipConfigurationId = refId(addressProperties.networkInterfaceIPConfiguration);
      const ipAddress = text(addressProperties.ipAddress);
      if (ipConfigurationId) return [ipConfigurationId];
      return ipAddress ? context.ipConfigurationsWithPrivateIp(ipAddress, refId(addressProperties.virtualNetwork)) : [];
    });
    return {
      id: childId(item, lbId, 'backendAddressPools'),
      name: text(item.name) ?? 'pool',
      backendIPConfigurationIds: [...new Set([...refIds(properties.backendIPConfigurations), ...byAddress])],
      addresses,
    };
  });
}

function loadBalancingRules(raw: unknown, lbId: string): LoadBalancingRule[] {
  return objects(raw).map((item) => {
    const properties = propertiesOf(item);
    const pools = refIds(properties.backendAddressPools);
    const pool = refId(properties.backendAddressPool);
    return {
      id: childId(item, lbId, 'loadBalancingRules'),
      name: text(item.name) ?? 'rule',
      frontendIPConfigurationId: refId(properties.frontendIPConfiguration),
      backendAddressPoolIds: [...new Set(pool ? [pool, ...pools] : pools)],
      protocol: lbProtocol(properties.protocol),
      frontendPort: integer(properties.frontendPort) ?? 0,
      // ARM leaves backendPort out when it equals frontendPort.
      backendPort: integer(properties.backendPort) ?? integer(properties.frontendPort) ?? 0,
    };
  });
}

function inboundNatRules(raw: unknown, lbId: string): InboundNatRule[] {
  return objects(raw).map((item) => {
    const properties = propertiesOf(item);
    return {
      id: childId(item, lbId, 'inboundNatRules'),
      name: text(item.name) ?? 'nat',
      frontendIPConfigurationId: refId(properties.frontendIPConfiguration),
      protocol: lbProtocol(properties.protocol),
      frontendPort: integer(properties.frontendPort),
      backendPort: integer(properties.backendPort) ?? integer(properties.frontendPort) ?? 0,
      backendIPConfigurationId: refId(properties.backendIPConfiguration),
      frontendPortRangeStart: integer(properties.frontendPortRangeStart),
      frontendPortRangeEnd: integer(properties.frontendPortRangeEnd),
      backendAddressPoolId: refId(properties.backendAddressPool),
    };
  });
}

function inboundNatPools(raw: unknown, lbId: string): InboundNatPool[] {
  return objects(raw).map((item) => {
    const properties = propertiesOf(item);
    return {
      id: childId(item, lbId, 'inboundNatPools'),
      name: text(item.name) ?? 'natpool',
      frontendIPConfigurationId: refId(properties.frontendIPConfiguration),
      protocol: lbProtocol(properties.protocol),
      frontendPortRangeStart: integer(properties.frontendPortRangeStart) ?? 0,
      frontendPortRangeEnd: integer(properties.frontendPortRangeEnd) ?? 0,
      backendPort: integer(properties.backendPort) ?? 0,
    };
  });
}

export const loadBalancers: ResourceFamily = {
  key: 'loadBalancers',
  name: 'load balancers',
  armTypes: ['microsoft.network/loadbalancers'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const lbId = normalizeId(resource.id);
    const frontends = frontendIPConfigurations(properties.frontendIPConfigurations, lbId, context);
    const pools = backendAddressPools(properties.backendAddressPools, lbId, context);
    const natRules = inboundNatRules(properties.inboundNatRules, lbId);
    context.addResourceNode(resource, 'LoadBalancer', {
      sku: text(resource.sku?.name)?.toLowerCase() === 'standard' ? 'Standard' : 'Basic',
      isPublic: frontends.some((frontend) => frontend.publicIPAddressId !== null),
      frontendIPConfigurations: JSON.stringify(frontends),
      backendAddressPools: JSON.stringify(pools),
      loadBalancingRules: JSON.stringify(loadBalancingRules(properties.loadBalancingRules, lbId)),
      inboundNatRules: JSON.stringify(natRules),
      inboundNatPools: JSON.stringify(inboundNatPools(properties.inboundNatPools, lbId)),
    });
    for (const frontend of frontends) {
      if (frontend.publicIPAddressId) context.addEdge(lbId, 'HAS_PUBLIC_IP', frontend.publicIPAddressId, { frontend: frontend.name });
      if (frontend.subnetId) context.addEdge(lbId, 'IN_SUBNET', frontend.subnetId);
    }
    const backendIpConfigurations = [
      ...pools.flatMap((pool) => pool.backendIPConfigurationIds),
      ...natRules.map((rule) => rule.backendIPConfigurationId).filter((id): id is string => id !== null),
    ];
    for (const ipConfigurationId of backendIpConfigurations) {
      const backendId = parentResourceId(ipConfigurationId);
      if (backendId) context.addEdge(lbId, 'ROUTES_TO', backendId);
    }
  },
};
