/**
 * A typed, indexed view of the network part of the graph: what exposure
 * analysis needs, decoded once from the flat node properties the stores keep.
 */
import type { GraphBatch, GraphNode, Properties } from '../model/graph.js';
import type { NodeKind } from '../model/kinds.js';
import type {
  BackendAddressPool,
  FrontendIPConfiguration,
  GatewayListener,
  GatewayRoute,
  InboundNatPool,
  InboundNatRule,
  LoadBalancingRule,
  NicIpConfiguration,
  ScaleSetNicConfiguration,
  SecurityRule,
} from '../model/network.js';
import type { NsgLayer } from './nsg.js';

export interface NetworkInterfaceView {
  id: string;
  virtualMachineId: string | null;
  networkSecurityGroupId: string | null;
  ipConfigurations: NicIpConfiguration[];
}

export interface ScaleSetView {
  id: string;
  nicConfigurations: ScaleSetNicConfiguration[];
}

export interface PublicIpView {
  id: string;
  sku: 'Basic' | 'Standard';
  ipAddress: string | null;
}

export interface LoadBalancerView {
  id: string;
  frontends: FrontendIPConfiguration[];
  pools: BackendAddressPool[];
  rules: LoadBalancingRule[];
  natRules: InboundNatRule[];
  natPools: InboundNatPool[];
}

export interface ApplicationGatewayView {
  id: string;
  frontends: FrontendIPConfiguration[];
  gatewaySubnetIds: string[];
  listeners: GatewayListener[];
  pools: BackendAddressPool[];
  routes: GatewayRoute[];
}

export interface SubnetView {
  id: string;
  addressPrefixes: string[];
  networkSecurityGroupId: string | null;
}

export interface NetworkView {
  nodes: Map<string, GraphNode>;
  nsgs: Map<string, NsgLayer>;
  subnets: Map<string, SubnetView>;
  nics: Map<string, NetworkInterfaceView>;
  /** NIC ip configuration id → its NIC. */
  nicByIpConfiguration: Map<string, NetworkInterfaceView>;
  scaleSets: Map<string, ScaleSetView>;
  publicIps: Map<string, PublicIpView>;
  loadBalancers: LoadBalancerView[];
  applicationGateways: ApplicationGatewayView[];
}

export class AnalysisInputError extends Error {
  override readonly name = 'AnalysisInputError';
}

function json<T>(node: GraphNode, key: string, fallback: T): T {
  const value = node.properties[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new AnalysisInputError(`${node.id}: property ${key} should be JSON text`);
  try {
    return JSON.parse(value) as T;
  } catch {
    throw new AnalysisInputError(`${node.id}: property ${key} is not valid JSON; re-ingest the snapshot to repair the store`);
  }
}

function str(properties: Properties, key: string): string | null {
  const value = properties[key];
  return typeof value === 'string' ? value : null;
}

function strings(properties: Properties, key: string): string[] {
  const value = properties[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function buildNetworkView(graph: GraphBatch): NetworkView {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const ofKind = (kind: NodeKind) => graph.nodes.filter((node) => node.kind === kind);

  // PROTECTED_BY edges carry both directions of the ARM link (subnet/NIC side and NSG side).
  const protectedBy = new Map<string, string>();
  for (const edge of graph.edges) {
    if (edge.kind === 'PROTECTED_BY' && !protectedBy.has(edge.source)) protectedBy.set(edge.source, edge.target);
  }

  const nsgs = new Map<string, NsgLayer>(
    ofKind('NetworkSecurityGroup').map((node) => [
      node.id,
      { id: node.id, name: str(node.properties, 'name') ?? node.id, rules: json<SecurityRule[]>(node, 'securityRules', []) },
    ]),
  );
  const subnets = new Map<string, SubnetView>(
    ofKind('Subnet').map((node) => [
      node.id,
      { id: node.id, addressPrefixes: strings(node.properties, 'addressPrefixes'), networkSecurityGroupId: protectedBy.get(node.id) ?? null },
    ]),
  );
  const nics = new Map<string, NetworkInterfaceView>();
  const nicByIpConfiguration = new Map<string, NetworkInterfaceView>();
  for (const node of ofKind('NetworkInterface')) {
    const nic: NetworkInterfaceView = {
      id: node.id,
      virtualMachineId: str(node.properties, 'virtualMachineId'),
      networkSecurityGroupId: protectedBy.get(node.id) ?? null,
      ipConfigurations: json<NicIpConfiguration[]>(node, 'ipConfigurations', []),
    };
    nics.set(node.id, nic);
    for (const config of nic.ipConfigurations) nicByIpConfiguration.set(config.id, nic);
  }
  for (const edge of graph.edges) {
    const nic = edge.kind === 'ATTACHED_TO' ? nics.get(edge.source) : undefined;
    if (nic && !nic.virtualMachineId) nic.virtualMachineId = edge.target;
  }
  const scaleSets = new Map<string, ScaleSetView>(
    ofKind('VirtualMachineScaleSet').map((node) => [
      node.id,
      { id: node.id, nicConfigurations: json<ScaleSetNicConfiguration[]>(node, 'networkInterfaceConfigurations', []) },
    ]),
  );
  const publicIps = new Map<string, PublicIpView>(
    ofKind('PublicIPAddress').map((node) => [
      node.id,
      { id: node.id, sku: str(node.properties, 'sku') === 'Standard' ? 'Standard' : 'Basic', ipAddress: str(node.properties, 'ipAddress') },
    ]),
  );
  const loadBalancers = ofKind('LoadBalancer').map((node) => ({
    id: node.id,
    frontends: json<FrontendIPConfiguration[]>(node, 'frontendIPConfigurations', []),
    pools: json<BackendAddressPool[]>(node, 'backendAddressPools', []),
    rules: json<LoadBalancingRule[]>(node, 'loadBalancingRules', []),
    natRules: json<InboundNatRule[]>(node, 'inboundNatRules', []),
    natPools: json<InboundNatPool[]>(node, 'inboundNatPools', []),
  }));
  const applicationGateways = ofKind('ApplicationGateway').map((node) => ({
    id: node.id,
    frontends: json<FrontendIPConfiguration[]>(node, 'frontendIPConfigurations', []),
    gatewaySubnetIds: json<string[]>(node, 'gatewaySubnetIds', []),
    listeners: json<GatewayListener[]>(node, 'listeners', []),
    pools: json<BackendAddressPool[]>(node, 'backendAddressPools', []),
    routes: json<GatewayRoute[]>(node, 'routes', []),
  }));
  return { nodes, nsgs, subnets, nics, nicByIpConfiguration, scaleSets, publicIps, loadBalancers, applicationGateways };
}
