/**
 * How internet traffic reaches a workload, one way at a time. Each function
 * returns `Reach` records: a range of destination ports on a workload, the
 * width of the sources admitted, and the hops it took from the internet.
 */
import { INTERNET_ID } from '../model/ids.js';
import type { LbProtocol, NicIpConfiguration, ScaleSetIpConfiguration, ScaleSetNicConfiguration } from '../model/network.js';
import type { NetworkView, ScaleSetView } from './network-view.js';
import { type AdmittedRange, evaluateInbound, type NsgLayer, type Protocol, type TrafficSource } from './nsg.js';

export type Width = 'wide' | 'narrow';
export type EntryType =
  | 'public-ip'
  | 'scale-set-public-ip'
  | 'load-balancer'
  | 'application-gateway'
  /** Kubernetes (src/analysis/kubernetes): an AKS API server, a LoadBalancer service, an Ingress, a NodePort or hostPort on a node with a public IP. */
  | 'api-server'
  | 'kubernetes-load-balancer'
  | 'kubernetes-ingress'
  | 'node-port'
  | 'host-port';

export interface EntryPoint {
  type: EntryType;
  /** The public IP resource the traffic arrives on; null for scale-set instance IPs. */
  publicIpId: string | null;
  address: string | null;
  /** The load-balancer rule, NAT rule or gateway listener that forwards the traffic. */
  forwarder: string | null;
  /** Client-facing ports, where a load balancer or gateway translates them. */
  frontendPorts: { from: number; to: number } | null;
  /** The NSG allow rules that admitted the traffic, as `<nsg>/<rule>`. */
  decidedBy: string[];
  sources: string[];
}

export interface Reach {
  assetId: string;
  protocol: Protocol;
  from: number;
  to: number;
  width: Width;
  path: string[];
  entry: EntryPoint;
}

/** A backend the load balancer or gateway forwards to: one NIC ip configuration or one scale-set ip configuration. */
export interface Backend {
  assetId: string;
  hop: string;
  layers: NsgLayer[];
  destination: { addresses: string[]; applicationSecurityGroupIds: string[] };
}

/**
 * What the backend's NSGs admit from a source. evaluateInbound caches per NSG
 * and destination pattern, so the many entries leading to one backend cost one
 * evaluation.
 */
export function admission(backend: Backend, source: TrafficSource, allowWhenUnfiltered: boolean): AdmittedRange[] {
  return evaluateInbound(backend.layers, source, backend.destination, { allowWhenUnfiltered });
}

export function layersFor(view: NetworkView, subnetId: string | null, nicNsgId: string | null): NsgLayer[] {
  const subnetNsgId = subnetId ? view.subnets.get(subnetId)?.networkSecurityGroupId : null;
  return [subnetNsgId, nicNsgId]
    .map((id) => (id ? view.nsgs.get(id) : undefined))
    .filter((layer): layer is NsgLayer => layer !== undefined);
}

export function nicBackend(view: NetworkView, config: NicIpConfiguration): Backend | undefined {
  const nic = view.nicByIpConfiguration.get(config.id);
  if (!nic?.virtualMachineId || !config.privateIPAddress) return undefined;
  return {
    assetId: nic.virtualMachineId,
    hop: nic.id,
    layers: layersFor(view, config.subnetId, nic.networkSecurityGroupId),
    destination: { addresses: [config.privateIPAddress], applicationSecurityGroupIds: config.applicationSecurityGroupIds },
  };
}

/** Scale-set instances take addresses from their subnet; the exact one is unknown, so the subnet range stands in. */
export function scaleSetBackend(view: NetworkView, scaleSetId: string, nic: ScaleSetNicConfiguration, config: ScaleSetIpConfiguration): Backend {
  return {
    assetId: scaleSetId,
    hop: scaleSetId,
    layers: layersFor(view, config.subnetId, nic.networkSecurityGroupId),
    destination: {
      addresses: (config.subnetId && view.subnets.get(config.subnetId)?.addressPrefixes) || [],
      applicationSecurityGroupIds: config.applicationSecurityGroupIds,
    },
  };
}

export function scaleSetBackends(view: NetworkView, scaleSet: ScaleSetView): Backend[] {
  return scaleSet.nicConfigurations.flatMap((nic) => nic.ipConfigurations.map((config) => scaleSetBackend(view, scaleSet.id, nic, config)));
}

export function restrict(admitted: readonly AdmittedRange[], protocol: LbProtocol, from: number, to: number): AdmittedRange[] {
  return admitted
    .filter((range) => (protocol === 'all' ? range.protocol !== 'icmp' : range.protocol === protocol))
    .filter((range) => range.from <= to && range.to >= from)
    .map((range) => ({ ...range, from: Math.max(range.from, from), to: Math.min(range.to, to) }));
}

export function toReach(backend: Backend, ranges: readonly AdmittedRange[], path: string[], entry: Omit<EntryPoint, 'decidedBy' | 'sources'>, width?: Width): Reach[] {
  return ranges.map((range) => ({
    assetId: backend.assetId,
    protocol: range.protocol,
    from: range.from,
    to: range.to,
    width: width ?? range.width,
    path: [...path, ...(backend.hop === backend.assetId ? [] : [backend.hop]), backend.assetId],
    entry: { ...entry, decidedBy: range.decidedBy, sources: range.sources },
  }));
}

/** A NIC's own public IP: every port its NSGs admit from the internet. */
export function reachThroughNicPublicIps(view: NetworkView): Reach[] {
  const reaches: Reach[] = [];
  for (const nic of view.nics.values()) {
    for (const config of nic.ipConfigurations) {
      const publicIp = config.publicIPAddressId ? view.publicIps.get(config.publicIPAddressId) : undefined;
      const backend = nicBackend(view, config);
      if (!publicIp || !backend) continue;
      // A Standard public IP is closed until an NSG allows traffic; a Basic one is open without NSGs.
      const admitted = admission(backend, { kind: 'internet' }, publicIp.sku === 'Basic');
      const entry = { type: 'public-ip' as const, publicIpId: publicIp.id, address: publicIp.ipAddress, forwarder: null, frontendPorts: null };
      reaches.push(...toReach(backend, admitted, [INTERNET_ID, publicIp.id], entry));
    }
  }
  return reaches;
}

/** Scale-set instances with their own public IPs (publicIPAddressConfiguration). */
export function reachThroughScaleSetPublicIps(view: NetworkView): Reach[] {
  const reaches: Reach[] = [];
  for (const scaleSet of view.scaleSets.values()) {
    for (const nic of scaleSet.nicConfigurations) {
      for (const config of nic.ipConfigurations) {
        if (!config.publicIPAddressSku) continue;
        const backend = scaleSetBackend(view, scaleSet.id, nic, config);
        const admitted = admission(backend, { kind: 'internet' }, config.publicIPAddressSku === 'Basic');
        const entry = { type: 'scale-set-public-ip' as const, publicIpId: null, address: null, forwarder: null, frontendPorts: null };
        reaches.push(...toReach(backend, admitted, [INTERNET_ID], entry));
      }
    }
  }
  return reaches;
}
