/**
 * Source "cells": a partition of the possible traffic sources such that every rule's
 * source prefix contains a cell entirely or not at all. Evaluating one decision per
 * cell is then exact over the whole source address space.
 */
import {
  type AddressInterval,
  type IpFamily,
  type PrefixClass,
  PUBLIC_INTERNET,
  isAnyInternet,
  mergeIntervals,
  parseCidr,
} from './addresses.js';

export type TrafficSource =
  | { kind: 'internet' }
  | { kind: 'network'; prefixes: string[] };

/**
 * `range`: an address interval, public (internet) or inside the virtual network.
 * `tag`: the addresses of one opaque service tag, assumed public and disjoint from
 * every range cell because their membership is not in the snapshot.
 */
type SourceCell =
  | { kind: 'range'; internet: boolean; family: IpFamily; start: bigint; end: bigint }
  | { kind: 'tag'; tag: string };

const compareBigints = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `rulePrefixes` are the source prefixes of every rule that will be evaluated;
 * `families` limits the cells to the address families the destination has, since a
 * packet's source and destination are always of one family.
 */
function buildSourceCells(
  source: TrafficSource,
  rulePrefixes: Iterable<PrefixClass>,
  families: ReadonlySet<IpFamily>,
): SourceCell[] {
  const internet = source.kind === 'internet';
  const universe = internet ? PUBLIC_INTERNET : mergeIntervals(source.prefixes.map(parseCidr));
  const cuts = { 4: new Set<bigint>(), 6: new Set<bigint>() };
  const tags = new Set<string>();
  for (const prefix of rulePrefixes) {
    if (prefix.kind === 'cidr') {
      cuts[prefix.cidr.family].add(prefix.cidr.start).add(prefix.cidr.end + 1n);
    } else if (prefix.kind === 'service-tag' && internet) {
      tags.add(prefix.tag);
    }
  }
  const sortedCuts = { 4: [...cuts[4]].sort(compareBigints), 6: [...cuts[6]].sort(compareBigints) };
  const cells: SourceCell[] = [];
  for (const interval of universe) {
    if (!families.has(interval.family)) continue;
    cells.push(...splitInterval(interval, sortedCuts[interval.family], internet));
  }
  for (const tag of [...tags].sort()) cells.push({ kind: 'tag', tag });
  return cells;
}

function splitInterval(interval: AddressInterval, sortedCuts: readonly bigint[], internet: boolean): SourceCell[] {
  const cells: SourceCell[] = [];
  let start = interval.start;
  for (const cut of sortedCuts) {
    if (cut <= start) continue;
    if (cut > interval.end) break;
    cells.push({ kind: 'range', internet, family: interval.family, start, end: cut - 1n });
    start = cut;
  }
  cells.push({ kind: 'range', internet, family: interval.family, start, end: interval.end });
  return cells;
}

function prefixMatchesCell(prefix: PrefixClass, cell: SourceCell): boolean {
  switch (prefix.kind) {
    case 'any':
      return true;
    case 'internet':
      return cell.kind === 'tag' || cell.internet;
    case 'virtual-network':
      return cell.kind === 'range' && !cell.internet;
    case 'load-balancer':
      // Only the health probe (168.63.129.16) carries this tag; it is never a client.
      return false;
    case 'service-tag':
      return cell.kind === 'tag' && cell.tag === prefix.tag;
    case 'cidr': {
      const { cidr } = prefix;
      if (cell.kind === 'tag') return cidr.prefixLength === 0;
      // Cells never straddle a CIDR boundary, so testing the first address suffices.
      return cell.family === cidr.family && cidr.start <= cell.start && cell.start <= cidr.end;
    }
  }
}

/**
 * How a rule prefix names the sources it admits. `breadth` orders the prefixes that
 * can contain one cell (they form a chain: CIDRs nest, and a tag or the virtual
 * network sits inside the any-internet forms), so across layers the narrowest name
 * describes the intersection and within a rule the broadest describes the union.
 */
export interface SourceName {
  text: string;
  breadth: number;
  anyInternet: boolean;
}

const KEYWORD_BREADTH = {
  'load-balancer': 0,
  'service-tag': 200,
  'virtual-network': 300,
  internet: 450,
  any: 500,
} as const;
const ANY_CIDR_BREADTH = 400;

export function sourceName(prefix: PrefixClass): SourceName {
  let breadth: number;
  if (prefix.kind !== 'cidr') breadth = KEYWORD_BREADTH[prefix.kind];
  else if (prefix.cidr.prefixLength === 0) breadth = ANY_CIDR_BREADTH;
  else breadth = (prefix.cidr.family === 4 ? 32 : 128) - prefix.cidr.prefixLength;
  return { text: prefix.text, breadth, anyInternet: isAnyInternet(prefix) };
}

const byText = (a: SourceName, b: SourceName): SourceName => (a.text <= b.text ? a : b);

function broaderName(a: SourceName | undefined, b: SourceName): SourceName {
  if (!a || b.breadth > a.breadth) return b;
  return b.breadth < a.breadth ? a : byText(a, b);
}

export function narrowerName(a: SourceName | undefined, b: SourceName): SourceName {
  if (!a || b.breadth < a.breadth) return b;
  return b.breadth > a.breadth ? a : byText(a, b);
}

/** Source cells grouped into classes that every rule matches identically. */
export interface SourceClasses {
  /** Per class: its address family, or null for a service tag's addresses. */
  families: (IpFamily | null)[];
  /** Per layer, per rule as given: the classes its sources contain. */
  rules: RuleSourceMatch[][];
}

export interface RuleSourceMatch {
  classes: number[];
  /** Indexed by class: the broadest of the rule's prefixes containing it. */
  names: (SourceName | undefined)[];
}

/**
 * Matches every rule's sources against every cell, then merges cells no rule tells
 * apart (e.g. the public IPv4 space either side of a private block) into classes,
 * so the per-port work scales with distinct behaviours rather than with boundaries.
 */
export function classifySources(
  source: TrafficSource,
  layers: readonly (readonly { sources: readonly { prefix: PrefixClass; name: SourceName }[] }[])[],
  families: ReadonlySet<IpFamily>,
): SourceClasses {
  const prefixes = layers.flatMap((rules) => rules.flatMap((rule) => rule.sources.map((s) => s.prefix)));
  const cells = buildSourceCells(source, prefixes, families);
  const cellNames = layers.map((rules) =>
    rules.map((rule) =>
      cells.map((cell) => {
        let name: SourceName | undefined;
        for (const { prefix, name: candidate } of rule.sources) {
          if (prefixMatchesCell(prefix, cell)) name = broaderName(name, candidate);
        }
        return name;
      }),
    ),
  );
  const classByKey = new Map<string, number>();
  const classFamilies: (IpFamily | null)[] = [];
  const cellClass = cells.map((cell, c) => {
    const parts = [cell.kind === 'tag' ? 'tag' : String(cell.family)];
    cellNames.forEach((rules, l) =>
      rules.forEach((names, r) => {
        const name = names[c];
        if (name) parts.push(`${l}.${r}=${name.text}`);
      }),
    );
    const key = parts.join('\n');
    let index = classByKey.get(key);
    if (index === undefined) {
      index = classFamilies.length;
      classByKey.set(key, index);
      classFamilies.push(cell.kind === 'tag' ? null : cell.family);
    }
    return index;
  });
  const rules = cellNames.map((layer) =>
    layer.map((names) => {
      const match: RuleSourceMatch = { classes: [], names: new Array(classFamilies.length) };
      names.forEach((name, c) => {
        const index = cellClass[c]!;
        if (name && match.names[index] === undefined) {
          match.classes.push(index);
          match.names[index] = name;
        }
      });
      return match;
    }),
  );
  return { families: classFamilies, rules };
}
