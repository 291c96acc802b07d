/**
 * Exact evaluation of Azure NSG inbound rules (learn.microsoft.com, "How network
 * security groups filter network traffic"): per NSG the inbound rules by ascending
 * priority, first match wins; traffic to a NIC must pass the subnet NSG and then the
 * NIC NSG, and a missing NSG passes everything.
 *
 * Rather than test packets, the evaluator partitions the traffic space so that every
 * rule decides a part wholly or not at all: ports into segments cut at every rule
 * port boundary, sources into classes of cells cut at every rule CIDR boundary
 * (source-cells.ts). One first-match decision per (protocol, segment, class) per NSG
 * is then exact (first-match.ts).
 */
import type { SecurityRule } from '../model/network.js';
import { type AddressInterval, type IpFamily, intervalsOverlap, parseCidr } from './addresses.js';
import { type ActiveRule, ICMP_RANGE, firstMatchRanges } from './first-match.js';
import { type CompiledLayer, type CompiledRule, type Protocol, PROTOCOLS, compileLayer } from './nsg-rules.js';
import { MAX_PORT } from './ports.js';
import { type SourceClasses, type TrafficSource, classifySources } from './source-cells.js';

export { PROTOCOLS, type Protocol } from './nsg-rules.js';
export type { TrafficSource } from './source-cells.js';

/** One NSG: all its rules, defaults included, in any order and both directions. */
export interface NsgLayer {
  id: string;
  name: string;
  rules: readonly SecurityRule[];
}

export interface TrafficDestination {
  /** The NIC's private IPs, or CIDRs (a scale set's subnet) when the address is unknown. */
  addresses: string[];
  /** Lowercased ids of the ASGs the destination ip configuration belongs to. */
  applicationSecurityGroupIds: string[];
}

export interface AdmittedRange {
  protocol: Protocol;
  /** For icmp always 0..255: NSGs do not filter ICMP by type. */
  from: number;
  to: number;
  /** 'wide' when some admitted source is allowed by any-internet rules in every NSG. */
  width: 'wide' | 'narrow';
  /** `${layer.name}/${rule.name}` of the deciding allow rules, sorted and unique. */
  decidedBy: string[];
  /** The admitted sources as the deciding rules name them; ['*'] when no NSG filters. */
  sources: string[];
}

interface Target {
  intervals: AddressInterval[];
  families: ReadonlySet<IpFamily>;
  asgIds: ReadonlySet<string>;
}

const FAMILY_BIT: Readonly<Record<IpFamily, number>> = { 4: 1, 6: 2 };

function parseDestination(destination: TrafficDestination): Target {
  const intervals = destination.addresses.map(parseCidr);
  const families = new Set(intervals.map((interval) => interval.family));
  return {
    intervals,
    // With no known address, traffic of either family may arrive.
    families: families.size > 0 ? families : new Set<IpFamily>([4, 6]),
    asgIds: new Set(destination.applicationSecurityGroupIds.map((id) => id.toLowerCase())),
  };
}

/**
 * Bits (FAMILY_BIT) of the traffic families whose destination the rule covers.
 * NSGs see inbound traffic after the public IP is translated, so only the private
 * address matters: 'Internet', 'AzureLoadBalancer' and service tags never contain it.
 * A CIDR target (a scale set's subnet) matches a rule CIDR that merely overlaps it:
 * a deliberate over-approximation, since some instance may hold the overlapping address.
 */
function destinationBits(rule: CompiledRule, target: Target): number {
  let all = 0;
  for (const family of target.families) all |= FAMILY_BIT[family];
  if (rule.destinationAsgIds.some((id) => target.asgIds.has(id))) return all;
  let bits = 0;
  for (const prefix of rule.destinations) {
    if (prefix.kind === 'any' || prefix.kind === 'virtual-network') return all;
    if (prefix.kind !== 'cidr') continue;
    for (const interval of target.intervals) {
      if (intervalsOverlap(prefix.cidr, interval)) bits |= FAMILY_BIT[interval.family];
    }
  }
  return bits;
}

/** Source classes for one (NSGs, source, families), and results per destination pattern. */
interface SourceEntry extends SourceClasses {
  /** Keyed by which rules' destinations the target matches (destinationBits per rule). */
  results: Map<string, AdmittedRange[]>;
}

// Keyed by the first layer so entries go once its NSG is no longer referenced.
const sourceEntries = new WeakMap<CompiledLayer, Map<string, SourceEntry>>();

function sourceEntry(layers: readonly CompiledLayer[], source: TrafficSource, families: ReadonlySet<IpFamily>): SourceEntry {
  const sourceKey = source.kind === 'internet' ? 'internet' : `network:${source.prefixes.join(',')}`;
  const key = `${layers.map((layer) => layer.serial).join(',')}|${[...families].sort().join('')}|${sourceKey}`;
  const first = layers[0]!;
  let entries = sourceEntries.get(first);
  if (!entries) sourceEntries.set(first, (entries = new Map()));
  let entry = entries.get(key);
  if (!entry) {
    const classes = classifySources(source, layers.map((layer) => layer.rules), families);
    entry = { ...classes, results: new Map() };
    entries.set(key, entry);
  }
  return entry;
}

function activeRules(layers: readonly CompiledLayer[], entry: SourceEntry, bits: readonly (readonly number[])[]): ActiveRule[][] {
  return layers.map((layer, l) =>
    layer.rules.flatMap((rule, r): ActiveRule[] => {
      const families = bits[l]![r]!;
      const match = entry.rules[l]![r]!;
      // A service tag's class has no family: it may arrive in whichever one matches.
      const classes = match.classes.filter((c) => {
        const family = entry.families[c];
        return family === null ? families !== 0 : family !== undefined && (families & FAMILY_BIT[family]) !== 0;
      });
      return classes.length > 0 ? [{ rule, classes, names: match.names }] : [];
    }),
  );
}

function unfiltered(): AdmittedRange[] {
  return PROTOCOLS.map((protocol) => ({
    protocol,
    from: 0,
    to: protocol === 'icmp' ? ICMP_RANGE.to : MAX_PORT,
    width: 'wide',
    decidedBy: [],
    sources: ['*'],
  }));
}

/**
 * What `source` may send to `destination` through `layers` ([subnetNsg, nicNsg],
 * whichever exist), sorted by protocol (tcp, udp, icmp) then port, with adjacent
 * ranges of identical width/decidedBy/sources merged. Pure from the caller's view:
 * work is memoised per NSG rules array (which must not be mutated afterwards) and
 * every call returns fresh objects. Throws an Error naming the NSG, rule and value
 * when rule data is invalid.
 */
export function evaluateInbound(
  layers: readonly NsgLayer[],
  source: TrafficSource,
  destination: TrafficDestination,
  options: { allowWhenUnfiltered: boolean },
): AdmittedRange[] {
  if (layers.length === 0) return options.allowWhenUnfiltered ? unfiltered() : [];
  const compiled = layers.map(compileLayer);
  const target = parseDestination(destination);
  const entry = sourceEntry(compiled, source, target.families);
  const bits = compiled.map((layer) => layer.rules.map((rule) => destinationBits(rule, target)));
  const key = bits.map((layer) => layer.join('')).join('|');
  let ranges = entry.results.get(key);
  if (!ranges) {
    ranges = firstMatchRanges(activeRules(compiled, entry, bits), entry.families.length);
    entry.results.set(key, ranges);
  }
  return ranges.map((range) => ({ ...range, decidedBy: [...range.decidedBy], sources: [...range.sources] }));
}
