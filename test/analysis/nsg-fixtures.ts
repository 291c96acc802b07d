/** Rule and NSG builders shared by the NSG evaluator tests. */
import { DEFAULT_SECURITY_RULES, type SecurityRule } from '../../src/model/network.js';
import {
  evaluateInbound,
  type AdmittedRange,
  type NsgLayer,
  type TrafficDestination,
  type TrafficSource,
} from '../../src/analysis/nsg.js';

type RuleInput = Partial<SecurityRule> & Pick<SecurityRule, 'name' | 'priority' | 'access'>;

export function rule(input: RuleInput): SecurityRule {
  return {
    direction: 'Inbound',
    protocol: 'tcp',
    sourceAddressPrefixes: ['*'],
    sourceApplicationSecurityGroupIds: [],
    destinationAddressPrefixes: ['*'],
    destinationApplicationSecurityGroupIds: [],
    sourcePortRanges: ['*'],
    destinationPortRanges: ['*'],
    isDefault: false,
    ...input,
  };
}

export const allow = (name: string, priority: number, input: Partial<SecurityRule> = {}): SecurityRule =>
  rule({ name, priority, access: 'Allow', ...input });
export const deny = (name: string, priority: number, input: Partial<SecurityRule> = {}): SecurityRule =>
  rule({ name, priority, access: 'Deny', ...input });

/** An NSG as Azure stores it: the custom rules plus the six defaults. */
export function nsg(name: string, ...rules: SecurityRule[]): NsgLayer {
  return { id: `/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/${name}`, name, rules: [...rules, ...DEFAULT_SECURITY_RULES] };
}

export const INTERNET: TrafficSource = { kind: 'internet' };
export const VM: TrafficDestination = { addresses: ['10.0.0.4'], applicationSecurityGroupIds: [] };
export const STANDARD = { allowWhenUnfiltered: false };
export const BASIC = { allowWhenUnfiltered: true };

export const inbound = (layers: NsgLayer[], source: TrafficSource = INTERNET, destination: TrafficDestination = VM) =>
  evaluateInbound(layers, source, destination, STANDARD);

/** Compact view: 'tcp 80-80 wide'. */
export const summary = (ranges: AdmittedRange[]): string[] => ranges.map((r) => `${r.protocol} ${r.from}-${r.to} ${r.width}`);

export const tcpPorts = (ranges: AdmittedRange[]): [number, number][] =>
  ranges.filter((r) => r.protocol === 'tcp').map((r) => [r.from, r.to]);
