/**
 * Sets of internet clients: which public addresses (and opaque service tags) a
 * chain of filters admits — service source ranges, NSG rules, NetworkPolicy
 * ipBlocks — and whether the admission is `wide` (an any-internet source at
 * every filter, as for NSGs) or `narrow`.
 */
import { type AddressInterval, type Cidr, PUBLIC_INTERNET, classifyPrefix, isAnyInternet, mergeIntervals, parseCidr } from '../addresses.js';

export interface ClientSet {
  wide: boolean;
  /** Public addresses admitted, merged per family. */
  intervals: AddressInterval[];
  /** Service tags admitted: opaque sets of internet addresses (see README, approximations). */
  tags: string[];
  /** The admitted sources as the filters name them. */
  names: string[];
}

export const ANY_CLIENT: ClientSet = { wide: true, intervals: mergeIntervals(PUBLIC_INTERNET), tags: [], names: ['*'] };

export function intersectIntervals(a: readonly AddressInterval[], b: readonly AddressInterval[]): AddressInterval[] {
  const result: AddressInterval[] = [];
  for (const x of a) {
    for (const y of b) {
      if (x.family !== y.family) continue;
      const start = x.start > y.start ? x.start : y.start;
      const end = x.end < y.end ? x.end : y.end;
      if (start <= end) result.push({ family: x.family, start, end });
    }
  }
  return mergeIntervals(result);
}

export function subtractIntervals(from: readonly AddressInterval[], holes: readonly AddressInterval[]): AddressInterval[] {
  let rest = mergeIntervals(from);
  for (const hole of holes) {
    rest = rest.flatMap((interval) => {
      if (interval.family !== hole.family || hole.end < interval.start || hole.start > interval.end) return [interval];
      const parts: AddressInterval[] = [];
      if (hole.start > interval.start) parts.push({ family: interval.family, start: interval.start, end: hole.start - 1n });
      if (hole.end < interval.end) parts.push({ family: interval.family, start: hole.end + 1n, end: interval.end });
      return parts;
    });
  }
  return rest;
}

export function intervalsOverlapAny(a: readonly AddressInterval[], b: readonly AddressInterval[]): boolean {
  return intersectIntervals(a, b).length > 0;
}

function tryParse(text: string): Cidr | null {
  try {
    return parseCidr(text);
  } catch {
    return null;
  }
}

/** Parses CIDRs and bare IPs, skipping malformed text. */
export function parseAddresses(texts: readonly string[]): AddressInterval[] {
  return mergeIntervals(texts.map(tryParse).filter((interval): interval is Cidr => interval !== null));
}

/**
 * The clients that source prefixes (CIDRs, `*`, `Internet`, service tags)
 * admit. Private ranges and the VirtualNetwork/AzureLoadBalancer tags admit no
 * internet client; malformed prefixes are skipped.
 */
export function clientsFromPrefixes(prefixes: readonly string[]): ClientSet {
  const set: ClientSet = { wide: false, intervals: [], tags: [], names: [] };
  for (const text of prefixes) {
    let prefix;
    try {
      prefix = classifyPrefix(text);
    } catch {
      continue;
    }
    if (prefix.kind === 'any' || prefix.kind === 'internet' || prefix.kind === 'cidr') {
      const part = prefix.kind === 'cidr' ? intersectIntervals([prefix.cidr], PUBLIC_INTERNET) : ANY_CLIENT.intervals;
      if (part.length === 0) continue;
      set.intervals.push(...part);
      set.wide ||= isAnyInternet(prefix);
      set.names.push(prefix.text);
    } else if (prefix.kind === 'service-tag') {
      set.tags.push(prefix.tag);
      set.names.push(prefix.text);
    }
  }
  return { ...set, intervals: mergeIntervals(set.intervals), tags: [...new Set(set.tags)].sort(), names: [...new Set(set.names)].sort() };
}

/** The addresses of a NetworkPolicy ipBlock: cidr minus its excepts (private ones included). */
export function ipBlockIntervals(block: { cidr: string; except: string[] }): AddressInterval[] {
  const cidr = tryParse(block.cidr);
  return cidr ? subtractIntervals([cidr], parseAddresses(block.except ?? [])) : [];
}

/** The internet clients an ipBlock admits; `wide` for a /0 block, whatever it excepts. */
export function clientsFromIpBlock(block: { cidr: string; except: string[] }): ClientSet {
  const cidr = tryParse(block.cidr);
  const intervals = intersectIntervals(ipBlockIntervals(block), PUBLIC_INTERNET);
  const except = block.except ?? [];
  const name = except.length > 0 ? `${block.cidr} except ${except.join(',')}` : block.cidr;
  return { wide: cidr?.prefixLength === 0, intervals, tags: [], names: intervals.length > 0 ? [name] : [] };
}

export function isEmptyClientSet(set: ClientSet): boolean {
  return set.intervals.length === 0 && set.tags.length === 0;
}

function members(set: ClientSet): string {
  return JSON.stringify([set.intervals.map((interval) => `${interval.family}:${interval.start}-${interval.end}`), set.tags]);
}

function sameMembers(a: ClientSet, b: ClientSet): boolean {
  return members(a) === members(b);
}

/**
 * Clients both filters admit. A tag survives a filter that is wide, names the
 * same tag, or admits some addresses (the tag's members are unknown, so they
 * may lie there: an over-approximation towards exposure).
 */
export function intersectClients(a: ClientSet, b: ClientSet): ClientSet {
  const keepTags = (tags: readonly string[], other: ClientSet) =>
    tags.filter((tag) => other.wide || other.tags.includes(tag) || other.intervals.length > 0);
  const result: ClientSet = {
    wide: a.wide && b.wide,
    intervals: intersectIntervals(a.intervals, b.intervals),
    tags: [...new Set([...keepTags(a.tags, b), ...keepTags(b.tags, a)])].sort(),
    names: [],
  };
  // Name the result by the narrower filter: the one it equals, else both.
  if (b.wide || sameMembers(result, a)) result.names = a.names;
  else if (a.wide || sameMembers(result, b)) result.names = b.names;
  else result.names = [...new Set([...a.names, ...b.names])].sort();
  return result;
}

export function unionClients(a: ClientSet, b: ClientSet): ClientSet {
  return {
    wide: a.wide || b.wide,
    intervals: mergeIntervals([...a.intervals, ...b.intervals]),
    tags: [...new Set([...a.tags, ...b.tags])].sort(),
    names: [...new Set([...a.names, ...b.names])].sort(),
  };
}
