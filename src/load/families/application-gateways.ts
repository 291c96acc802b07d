import { normalizeId, parentResourceId } from '../../model/ids.js';
import type { BackendAddressPool, GatewayListener, GatewayRoute } from '../../model/network.js';
import type { TransformContext } from '../context.js';
import { asObject, integer, objects, propertiesOf, refId, refIds, text } from '../raw.js';
import type { ResourceFamily } from './family.js';
import { frontendIPConfigurations } from './load-balancers.js';

type Raw = Record<string, unknown>;

function byId(items: readonly Raw[]): Map<string, Raw> {
  return new Map(items.filter((item) => text(item.id)).map((item) => [normalizeId(text(item.id)!), propertiesOf(item)]));
}

function httpProtocol(value: unknown): 'http' | 'https' {
  return text(value)?.toLowerCase() === 'https' ? 'https' : 'http';
}

function listeners(properties: Raw): GatewayListener[] {
  const ports = byId(objects(properties.frontendPorts));
  return objects(properties.httpListeners).map((item) => {
    const listener = propertiesOf(item);
    const portId = refId(listener.frontendPort);
    return {
      id: normalizeId(text(item.id) ?? text(item.name) ?? 'listener'),
      name: text(item.name) ?? 'listener',
      frontendIPConfigurationId: refId(listener.frontendIPConfiguration),
      port: integer((portId && ports.get(portId)?.port) ?? null) ?? (httpProtocol(listener.protocol) === 'https' ? 443 : 80),
      protocol: httpProtocol(listener.protocol),
      hostNames: [...new Set([text(listener.hostName), ...(Array.isArray(listener.hostNames) ? listener.hostNames.map(text) : [])])].filter(
        (name): name is string => name !== null,
      ),
    };
  });
}

/** Request routing rules (basic and path-based) flattened to listener → pool on a backend port. */
function routes(properties: Raw): GatewayRoute[] {
  const settings = byId(objects(properties.backendHttpSettingsCollection));
  const pathMaps = byId(objects(properties.urlPathMaps));
  const route = (listenerId: string, poolId: string | null, settingsId: string | null, paths: string[]): GatewayRoute[] => {
    if (!poolId) return [];
    const setting = settingsId ? settings.get(settingsId) : undefined;
    const backendProtocol = httpProtocol(setting?.protocol);
    return [{ listenerId, backendAddressPoolId: poolId, backendPort: integer(setting?.port) ?? (backendProtocol === 'https' ? 443 : 80), backendProtocol, paths }];
  };
  return objects(properties.requestRoutingRules).flatMap((item) => {
    const rule = propertiesOf(item);
    const listenerId = refId(rule.httpListener);
    if (!listenerId) return [];
    const direct = route(listenerId, refId(rule.backendAddressPool), refId(rule.backendHttpSettings), []);
    const pathMapId = refId(rule.urlPathMap);
    const pathMap = pathMapId ? pathMaps.get(pathMapId) : undefined;
    if (!pathMap) return direct;
    const pathRoutes = objects(pathMap.pathRules).flatMap((pathRule) => {
      const properties = propertiesOf(pathRule);
      const paths = Array.isArray(properties.paths) ? properties.paths.map(text).filter((p): p is string => p !== null) : [];
      return route(listenerId, refId(properties.backendAddressPool), refId(properties.backendHttpSettings), paths);
    });
    return [...direct, ...route(listenerId, refId(pathMap.defaultBackendAddressPool), refId(pathMap.defaultBackendHttpSettings), ['/*']), ...pathRoutes];
  });
}

function backendPools(properties: Raw, gatewayId: string, context: TransformContext): BackendAddressPool[] {
  return objects(properties.backendAddressPools).map((item) => {
    const pool = propertiesOf(item);
    const addresses = objects(pool.backendAddresses).map((address) => ({
      ipAddress: text(address.ipAddress),
      virtualNetworkId: null,
      fqdn: text(address.fqdn),
    }));
    const byAddress = addresses.flatMap((address) => {
      if (!address.ipAddress) return [];
      const matches = context.ipConfigurationsWithPrivateIp(address.ipAddress);
      if (matches.length > 1) context.warn(gatewayId, `backend address ${address.ipAddress} matches ${matches.length} network interfaces; all are treated as backends`);
      return matches;
    });
    return {
      id: normalizeId(text(item.id) ?? `${gatewayId}/backendAddressPools/${text(item.name) ?? 'pool'}`),
      name: text(item.name) ?? 'pool',
      backendIPConfigurationIds: [...new Set([...refIds(pool.backendIPConfigurations), ...byAddress])],
      addresses,
    };
  });
}

export const applicationGateways: ResourceFamily = {
  key: 'applicationGateways',
  name: 'application gateways',
  armTypes: ['microsoft.network/applicationgateways'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const gatewayId = normalizeId(resource.id);
    const sku = asObject(properties.sku);
    const frontends = frontendIPConfigurations(properties.frontendIPConfigurations, gatewayId, context);
    const gatewaySubnetIds = objects(properties.gatewayIPConfigurations)
      .map((item) => refId(propertiesOf(item).subnet))
      .filter((id): id is string => id !== null);
    const pools = backendPools(properties, gatewayId, context);
    context.addResourceNode(resource, 'ApplicationGateway', {
      skuName: text(sku?.name),
      skuTier: text(sku?.tier),
      frontendIPConfigurations: JSON.stringify(frontends),
      gatewaySubnetIds: JSON.stringify(gatewaySubnetIds),
      listeners: JSON.stringify(listeners(properties)),
      backendAddressPools: JSON.stringify(pools),
      routes: JSON.stringify(routes(properties)),
      firewallEnabled: asObject(properties.webApplicationFirewallConfiguration)?.enabled === true || refId(properties.firewallPolicy) !== null,
    });
    for (const frontend of frontends) {
      if (frontend.publicIPAddressId) context.addEdge(gatewayId, 'HAS_PUBLIC_IP', frontend.publicIPAddressId, { frontend: frontend.name });
    }
    for (const subnetId of gatewaySubnetIds) context.addEdge(gatewayId, 'IN_SUBNET', subnetId);
    for (const ipConfigurationId of pools.flatMap((pool) => pool.backendIPConfigurationIds)) {
      const backendId = parentResourceId(ipConfigurationId);
      if (backendId) context.addEdge(gatewayId, 'ROUTES_TO', backendId);
    }
  },
};
