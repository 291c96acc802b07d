/**
 * Reach through the things that forward internet traffic to private backends:
 * public load balancers (rules, NAT rules, NAT pools) and application gateways.
 */
import { INTERNET_ID, parentResourceId } from '../model/ids.js';
import type { BackendAddressPool, FrontendIPConfiguration, LbProtocol } from '../model/network.js';
import type { NetworkView, PublicIpView } from './network-view.js';
import { admission, type Backend, type Reach, layersFor, nicBackend, restrict, scaleSetBackend, scaleSetBackends, toReach } from './reach.js';

/** Which backends sit behind each pool, NAT rule and NAT pool, from both sides of the ARM links. */
export class BackendIndex {
  private readonly byForwarder = new Map<string, Map<string, Backend>>();

  constructor(private readonly view: NetworkView) {
    for (const nic of view.nics.values()) {
      for (const config of nic.ipConfigurations) {
        const backend = nicBackend(view, config);
        if (!backend) continue;
        const forwarders = [
          ...config.loadBalancerBackendAddressPoolIds,
          ...config.loadBalancerInboundNatRuleIds,
          ...config.applicationGatewayBackendAddressPoolIds,
        ];
        for (const id of forwarders) this.add(id, backend);
      }
    }
    for (const scaleSet of view.scaleSets.values()) {
      for (const nic of scaleSet.nicConfigurations) {
        for (const config of nic.ipConfigurations) {
          const forwarders = [
            ...config.loadBalancerBackendAddressPoolIds,
            ...config.loadBalancerInboundNatPoolIds,
            ...config.applicationGatewayBackendAddressPoolIds,
          ];
          const backend = scaleSetBackend(view, scaleSet.id, nic, config);
          for (const id of forwarders) this.add(id, backend);
        }
      }
    }
  }

  /** Adds the backends a forwarder names itself (by ip configuration id). */
  addFromForwarder(forwarderId: string, ipConfigurationIds: readonly string[]): void {
    for (const ipConfigurationId of ipConfigurationIds) {
      const nic = this.view.nicByIpConfiguration.get(ipConfigurationId);
      const config = nic?.ipConfigurations.find((candidate) => candidate.id === ipConfigurationId);
      if (config) {
        const backend = nicBackend(this.view, config);
        if (backend) this.add(forwarderId, backend);
        continue;
      }
      const owner = parentResourceId(ipConfigurationId);
      const scaleSet = owner ? this.view.scaleSets.get(owner) : undefined;
      if (scaleSet) for (const backend of scaleSetBackends(this.view, scaleSet)) this.add(forwarderId, backend);
    }
  }

  backends(forwarderId: string): Backend[] {
    return [...(this.byForwarder.get(forwarderId)?.values() ?? [])];
  }

  private add(forwarderId: string, backend: Backend): void {
    let backends = this.byForwarder.get(forwarderId);
    if (!backends) this.byForwarder.set(forwarderId, (backends = new Map()));
    backends.set(backendKey(backend), backend);
  }
}

function backendKey(backend: Backend): string {
  return `${backend.hop}|${backend.destination.addresses.join(',')}`;
}

function publicFrontends(view: NetworkView, frontends: readonly FrontendIPConfiguration[]): Map<string, PublicIpView> {
  const result = new Map<string, PublicIpView>();
  for (const frontend of frontends) {
    const publicIp = frontend.publicIPAddressId ? view.publicIps.get(frontend.publicIPAddressId) : undefined;
    if (publicIp) result.set(frontend.id, publicIp);
  }
  return result;
}

function registerPools(index: BackendIndex, pools: readonly BackendAddressPool[]): void {
  for (const pool of pools) index.addFromForwarder(pool.id, pool.backendIPConfigurationIds);
}

interface Forwarding {
  forwarder: string;
  frontendIPConfigurationId: string | null;
  protocol: LbProtocol;
  frontendPorts: { from: number; to: number };
  backendPorts: { from: number; to: number };
  backends: Backend[];
}

const ALL_PORTS = { from: 0, to: 65535 };

/**
 * Public load balancers keep the client's source address, so the backend's
 * NSGs must admit the backend port from the internet. Internal frontends are skipped.
 */
export function reachThroughLoadBalancers(view: NetworkView, index: BackendIndex): Reach[] {
  const reaches: Reach[] = [];
  for (const lb of view.loadBalancers) {
    const frontends = publicFrontends(view, lb.frontends);
    if (frontends.size === 0) continue;
    registerPools(index, lb.pools);
    for (const rule of lb.natRules) if (rule.backendIPConfigurationId) index.addFromForwarder(rule.id, [rule.backendIPConfigurationId]);

    const forwardings: Forwarding[] = [
      ...lb.rules.map((rule) => {
        // HA-ports rules (protocol All, port 0) forward every port unchanged.
        const haPorts = rule.protocol === 'all' && rule.frontendPort === 0;
        return {
          forwarder: rule.id,
          frontendIPConfigurationId: rule.frontendIPConfigurationId,
          protocol: rule.protocol,
          frontendPorts: haPorts ? ALL_PORTS : { from: rule.frontendPort, to: rule.frontendPort },
          backendPorts: haPorts ? ALL_PORTS : { from: rule.backendPort, to: rule.backendPort },
          backends: rule.backendAddressPoolIds.flatMap((poolId) => index.backends(poolId)),
        };
      }),
      ...lb.natRules.map((rule) => ({
        forwarder: rule.id,
        frontendIPConfigurationId: rule.frontendIPConfigurationId,
        protocol: rule.protocol,
        frontendPorts:
          rule.frontendPortRangeStart !== null && rule.frontendPortRangeEnd !== null
            ? { from: rule.frontendPortRangeStart, to: rule.frontendPortRangeEnd }
            : { from: rule.frontendPort ?? rule.backendPort, to: rule.frontendPort ?? rule.backendPort },
        backendPorts: { from: rule.backendPort, to: rule.backendPort },
        backends: [...index.backends(rule.id), ...(rule.backendAddressPoolId ? index.backends(rule.backendAddressPoolId) : [])],
      })),
      ...lb.natPools.map((pool) => ({
        forwarder: pool.id,
        frontendIPConfigurationId: pool.frontendIPConfigurationId,
        protocol: pool.protocol,
        frontendPorts: { from: pool.frontendPortRangeStart, to: pool.frontendPortRangeEnd },
        backendPorts: { from: pool.backendPort, to: pool.backendPort },
        backends: index.backends(pool.id),
      })),
    ];

    for (const forwarding of forwardings) {
      const publicIp = forwarding.frontendIPConfigurationId ? frontends.get(forwarding.frontendIPConfigurationId) : undefined;
      if (!publicIp) continue;
      const entry = {
        type: 'load-balancer' as const,
        publicIpId: publicIp.id,
        address: publicIp.ipAddress,
        forwarder: forwarding.forwarder,
        frontendPorts: forwarding.frontendPorts,
      };
      for (const backend of forwarding.backends) {
        // Standard load balancers are closed to inbound traffic until an NSG allows it.
        const admitted = admission(backend, { kind: 'internet' }, publicIp.sku === 'Basic');
        const ranges = restrict(admitted, forwarding.protocol, forwarding.backendPorts.from, forwarding.backendPorts.to);
        reaches.push(...toReach(backend, ranges, [INTERNET_ID, publicIp.id, lb.id], entry));
      }
    }
  }
  return reaches;
}

/**
 * An application gateway terminates the client's connection and opens its own
 * from its subnet: the listener must be admitted from the internet by the
 * gateway subnet's NSG, and the backend's NSGs must admit the gateway subnet.
 */
export function reachThroughApplicationGateways(view: NetworkView, index: BackendIndex): Reach[] {
  const reaches: Reach[] = [];
  for (const gateway of view.applicationGateways) {
    const frontends = publicFrontends(view, gateway.frontends);
    if (frontends.size === 0) continue;
    registerPools(index, gateway.pools);
    const gatewayPrefixes = gateway.gatewaySubnetIds.flatMap((id) => view.subnets.get(id)?.addressPrefixes ?? []);
    const gatewayBackend: Backend = {
      assetId: gateway.id,
      hop: gateway.id,
      layers: layersFor(view, gateway.gatewaySubnetIds[0] ?? null, null),
      destination: { addresses: gatewayPrefixes, applicationSecurityGroupIds: [] },
    };
    for (const listener of gateway.listeners) {
      const publicIp = listener.frontendIPConfigurationId ? frontends.get(listener.frontendIPConfigurationId) : undefined;
      if (!publicIp) continue;
      const listenerRanges = restrict(admission(gatewayBackend, { kind: 'internet' }, true), 'tcp', listener.port, listener.port);
      if (listenerRanges.length === 0) continue;
      const width = listenerRanges.some((range) => range.width === 'wide') ? 'wide' : 'narrow';
      const listenerRules = listenerRanges.flatMap((range) => range.decidedBy);
      const listenerSources = listenerRanges.flatMap((range) => range.sources);
      for (const route of gateway.routes.filter((candidate) => candidate.listenerId === listener.id)) {
        for (const backend of index.backends(route.backendAddressPoolId)) {
          const admitted = admission(backend, { kind: 'network', prefixes: gatewayPrefixes }, true);
          const ranges = restrict(admitted, 'tcp', route.backendPort, route.backendPort).map((range) => ({
            ...range,
            decidedBy: [...new Set([...listenerRules, ...range.decidedBy])].sort(),
            sources: [...new Set(listenerSources)].sort(),
          }));
          const entry = {
            type: 'application-gateway' as const,
            publicIpId: publicIp.id,
            address: publicIp.ipAddress,
            forwarder: listener.id,
            frontendPorts: { from: listener.port, to: listener.port },
          };
          reaches.push(...toReach(backend, ranges, [INTERNET_ID, publicIp.id, gateway.id], entry, width));
        }
      }
    }
  }
  return reaches;
}

