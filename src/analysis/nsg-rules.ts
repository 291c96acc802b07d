/** NSG inbound rules parsed once per NSG into the form the evaluator matches against. */
import type { RuleProtocol, SecurityRule } from '../model/network.js';
import { type PrefixClass, classifyPrefix } from './addresses.js';
import { type PortRange, coversAllPorts, mergeRanges, parsePortRange } from './ports.js';
import { type SourceName, sourceName } from './source-cells.js';

export type Protocol = 'tcp' | 'udp' | 'icmp';
export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'icmp'];

export interface RuleSource {
  prefix: PrefixClass;
  name: SourceName;
}

export interface CompiledRule {
  /** `${layer.name}/${rule.name}`, as reported in decidedBy. */
  label: string;
  allow: boolean;
  protocols: readonly Protocol[];
  ports: PortRange[];
  /** Only a rule covering every port applies to ICMP, which has none. */
  allPorts: boolean;
  /**
   * Clients choose their source port: a Deny limited to some source ports never
   * closes a port to an attacker (it is dropped), while an Allow limited to some
   * still admits one who picks them.
   */
  allSourcePorts: boolean;
  sources: RuleSource[];
  destinations: PrefixClass[];
  destinationAsgIds: string[];
}

export interface CompiledLayer {
  /** Distinguishes compiled layers in cache keys. */
  serial: number;
  id: string;
  name: string;
  /** Inbound rules by ascending priority. */
  rules: readonly CompiledRule[];
}

// Keyed by the rules array, which every NIC behind the same NSG shares.
const compiledLayers = new WeakMap<readonly SecurityRule[], CompiledLayer>();
let nextSerial = 0;

/** Parsed once per rules array; callers must not mutate a layer's rules afterwards. */
export function compileLayer(layer: { id: string; name: string; rules: readonly SecurityRule[] }): CompiledLayer {
  const cached = compiledLayers.get(layer.rules);
  if (cached && cached.id === layer.id && cached.name === layer.name) return cached;
  const rules = layer.rules
    .filter((rule) => rule.direction === 'Inbound')
    .sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((rule) => compileRule(layer, rule))
    .filter((rule) => rule.allow || rule.allSourcePorts);
  const compiled: CompiledLayer = { serial: nextSerial++, id: layer.id, name: layer.name, rules };
  compiledLayers.set(layer.rules, compiled);
  return compiled;
}

function compileRule(layer: { id: string; name: string }, rule: SecurityRule): CompiledRule {
  try {
    const ports = mergeRanges(rule.destinationPortRanges.map(parsePortRange));
    return {
      label: `${layer.name}/${rule.name}`,
      allow: rule.access === 'Allow',
      protocols: ruleProtocols(rule.protocol),
      ports,
      allPorts: coversAllPorts(ports),
      allSourcePorts: coversAllPorts(mergeRanges(rule.sourcePortRanges.map(parsePortRange))),
      sources: rule.sourceAddressPrefixes.map((text) => {
        const prefix = classifyPrefix(text);
        return { prefix, name: sourceName(prefix) };
      }),
      destinations: rule.destinationAddressPrefixes.map(classifyPrefix),
      destinationAsgIds: rule.destinationApplicationSecurityGroupIds.map((id) => id.toLowerCase()),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`NSG '${layer.name}' (${layer.id}), rule '${rule.name}': ${reason}`, { cause: error });
  }
}

function ruleProtocols(protocol: RuleProtocol): readonly Protocol[] {
  switch (protocol) {
    case '*':
      return PROTOCOLS;
    case 'tcp':
    case 'udp':
    case 'icmp':
      return [protocol];
    case 'esp':
    case 'ah':
      return [];
    default:
      throw new Error(`invalid protocol '${String(protocol)}'`);
  }
}
