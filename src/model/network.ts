/**
 * Normalised network records, as the load stage writes them (JSON-encoded) into
 * node properties and as analysis reads them back. Every id is lowercased.
 */

export type RuleAccess = 'Allow' | 'Deny';
export type RuleDirection = 'Inbound' | 'Outbound';
/** NSG protocols as ARM spells them, lowercased; `*` is any. */
export type RuleProtocol = 'tcp' | 'udp' | 'icmp' | 'esp' | 'ah' | '*';

export interface SecurityRule {
  name: string;
  priority: number;
  direction: RuleDirection;
  access: RuleAccess;
  protocol: RuleProtocol;
  /** Prefixes, CIDRs, IPs or service tags; the singular and plural ARM fields merged. */
  sourceAddressPrefixes: string[];
  sourceApplicationSecurityGroupIds: string[];
  destinationAddressPrefixes: string[];
  destinationApplicationSecurityGroupIds: string[];
  /** Client-side ports, same forms as destination ports; `*` when the export leaves them out. */
  sourcePortRanges: string[];
  /** `*`, `80` or `8000-8100`; the singular and plural ARM fields merged. */
  destinationPortRanges: string[];
  /** True for the six rules Azure adds to every NSG. */
  isDefault: boolean;
}

export interface NicIpConfiguration {
  id: string;
  name: string;
  primary: boolean;
  privateIPAddress: string | null;
  subnetId: string | null;
  publicIPAddressId: string | null;
  loadBalancerBackendAddressPoolIds: string[];
  loadBalancerInboundNatRuleIds: string[];
  applicationGatewayBackendAddressPoolIds: string[];
  applicationSecurityGroupIds: string[];
}

export interface ScaleSetIpConfiguration {
  name: string;
  subnetId: string | null;
  /** Each instance gets its own public IP of this SKU; null when none. */
  publicIPAddressSku: 'Basic' | 'Standard' | null;
  loadBalancerBackendAddressPoolIds: string[];
  loadBalancerInboundNatPoolIds: string[];
  applicationGatewayBackendAddressPoolIds: string[];
  applicationSecurityGroupIds: string[];
}

export interface ScaleSetNicConfiguration {
  name: string;
  primary: boolean;
  networkSecurityGroupId: string | null;
  ipConfigurations: ScaleSetIpConfiguration[];
}

export interface FrontendIPConfiguration {
  id: string;
  name: string;
  publicIPAddressId: string | null;
  privateIPAddress: string | null;
  subnetId: string | null;
}

export interface BackendAddress {
  ipAddress: string | null;
  virtualNetworkId: string | null;
  /** Application gateways may name a backend by FQDN. */
  fqdn: string | null;
}

export interface BackendAddressPool {
  id: string;
  name: string;
  /** NIC or scale-set instance ip configuration ids, lowercased. */
  backendIPConfigurationIds: string[];
  addresses: BackendAddress[];
}

/** Load balancer protocols; `all` forwards every port (HA ports). */
export type LbProtocol = 'tcp' | 'udp' | 'all';

export interface LoadBalancingRule {
  id: string;
  name: string;
  frontendIPConfigurationId: string | null;
  backendAddressPoolIds: string[];
  protocol: LbProtocol;
  frontendPort: number;
  backendPort: number;
}

export interface InboundNatRule {
  id: string;
  name: string;
  frontendIPConfigurationId: string | null;
  protocol: LbProtocol;
  /** Classic NAT rule: one frontend port to one backend ip configuration. */
  frontendPort: number | null;
  backendPort: number;
  backendIPConfigurationId: string | null;
  /** Pool-based NAT rule (v2): a frontend port range spread over a backend pool. */
  frontendPortRangeStart: number | null;
  frontendPortRangeEnd: number | null;
  backendAddressPoolId: string | null;
}

export interface InboundNatPool {
  id: string;
  name: string;
  frontendIPConfigurationId: string | null;
  protocol: LbProtocol;
  frontendPortRangeStart: number;
  frontendPortRangeEnd: number;
  backendPort: number;
}

export interface GatewayListener {
  id: string;
  name: string;
  frontendIPConfigurationId: string | null;
  port: number;
  protocol: 'http' | 'https';
  hostNames: string[];
}

/** A listener's traffic forwarded to a backend pool on a backend port. */
export interface GatewayRoute {
  listenerId: string;
  backendAddressPoolId: string;
  backendPort: number;
  backendProtocol: 'http' | 'https';
  paths: string[];
}

function defaultRule(
  name: string,
  priority: number,
  direction: RuleDirection,
  access: RuleAccess,
  source: string,
  destination: string,
): SecurityRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol: '*',
    sourceAddressPrefixes: [source],
    sourceApplicationSecurityGroupIds: [],
    destinationAddressPrefixes: [destination],
    destinationApplicationSecurityGroupIds: [],
    sourcePortRanges: ['*'],
    destinationPortRanges: ['*'],
    isDefault: true,
  };
}

/**
 * The six rules Azure places in every NSG (learn.microsoft.com, "Network
 * security groups": default security rules). Used when an export omits
 * `defaultSecurityRules`.
 */
export const DEFAULT_SECURITY_RULES: readonly SecurityRule[] = [
  defaultRule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
  defaultRule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
  defaultRule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
  defaultRule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
];
