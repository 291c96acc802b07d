/**
 * First-match evaluation over (protocol, port segment, source class). Rule sets are
 * bitsets: per layer, each source class has a mask of the rules matching its sources
 * and each port segment a mask of the rules covering it; the deciding rule is the
 * lowest bit of their intersection, i.e. the first by priority.
 */
import type { AdmittedRange } from './nsg.js';
import { type CompiledRule, type Protocol, PROTOCOLS } from './nsg-rules.js';
import { type PortRange, containsPort, portSegments } from './ports.js';
import { type SourceName, narrowerName } from './source-cells.js';

/** A rule that applies to the destination, with the source classes it matches. */
export interface ActiveRule {
  rule: CompiledRule;
  classes: readonly number[];
  /** Indexed by class: the broadest of the rule's prefixes containing it. */
  names: readonly (SourceName | undefined)[];
}

type Verdict = Pick<AdmittedRange, 'width' | 'decidedBy' | 'sources'>;

export const ICMP_RANGE: PortRange = { from: 0, to: 255 };

/** Per layer: `words` 32-bit words of rule bits per class, classes back to back. */
interface ClassMasks {
  words: number;
  bits: Uint32Array;
}

function classMasks(rules: readonly ActiveRule[], classCount: number): ClassMasks {
  const words = Math.max(1, Math.ceil(rules.length / 32));
  const bits = new Uint32Array(classCount * words);
  rules.forEach((active, i) => {
    for (const c of active.classes) bits[c * words + (i >>> 5)]! |= 1 << (i & 31);
  });
  return { words, bits };
}

/** The rules (bit i for rules[i]) for which `test` holds. */
function ruleMask(rules: readonly ActiveRule[], words: number, test: (rule: CompiledRule) => boolean): number[] {
  const mask = new Array<number>(words).fill(0);
  rules.forEach(({ rule }, i) => {
    if (test(rule)) mask[i >>> 5]! |= 1 << (i & 31);
  });
  return mask;
}

const intersect = (a: readonly number[], b: readonly number[]): number[] => a.map((word, w) => word & b[w]!);

/** Index of the first rule matching class `c` among those in `cover`, or -1. */
function firstMatch(masks: ClassMasks, cover: readonly number[], c: number): number {
  const base = c * masks.words;
  for (let w = 0; w < masks.words; w++) {
    const hits = masks.bits[base + w]! & cover[w]!;
    if (hits !== 0) return w * 32 + 31 - Math.clz32(hits & -hits);
  }
  return -1;
}

function judge(
  layers: readonly (readonly ActiveRule[])[],
  masks: readonly ClassMasks[],
  covers: readonly (readonly number[])[],
  classCount: number,
): Verdict | undefined {
  const decidedBy = new Set<string>();
  const sources = new Set<string>();
  let wide = false;
  const deciders: ActiveRule[] = [];
  classes: for (let c = 0; c < classCount; c++) {
    deciders.length = 0;
    for (let l = 0; l < layers.length; l++) {
      const decider = layers[l]![firstMatch(masks[l]!, covers[l]!, c)];
      // No matching rule at all is a deny, like a matching Deny rule.
      if (!decider?.rule.allow) continue classes;
      deciders.push(decider);
    }
    // Each layer admits the class under its broadest name; the layers together
    // admit the intersection, which the narrowest of those names describes.
    let name: SourceName | undefined;
    for (const decider of deciders) {
      decidedBy.add(decider.rule.label);
      name = narrowerName(name, decider.names[c]!);
    }
    if (!name) continue;
    sources.add(name.text);
    wide ||= name.anyInternet;
  }
  if (sources.size === 0) return undefined;
  return { width: wide ? 'wide' : 'narrow', decidedBy: [...decidedBy].sort(), sources: [...sources].sort() };
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i]);

function mergeAdjacent(ranges: readonly AdmittedRange[]): AdmittedRange[] {
  const merged: AdmittedRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (
      last &&
      last.protocol === range.protocol &&
      last.to + 1 === range.from &&
      last.width === range.width &&
      sameList(last.decidedBy, range.decidedBy) &&
      sameList(last.sources, range.sources)
    ) {
      last.to = range.to;
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/**
 * What the layers (each all-must-allow, first match within) admit, sorted by
 * protocol then port. The returned ranges may share their decidedBy/sources arrays.
 */
export function firstMatchRanges(layers: readonly (readonly ActiveRule[])[], classCount: number): AdmittedRange[] {
  const masks = layers.map((rules) => classMasks(rules, classCount));
  const mask = (test: (rule: CompiledRule) => boolean): number[][] =>
    layers.map((rules, l) => ruleMask(rules, masks[l]!.words, test));
  const byProtocol = new Map(PROTOCOLS.map((protocol) => [protocol, mask((rule) => rule.protocols.includes(protocol))]));
  // Segments (of any protocol) covered by the same rules share one verdict.
  const verdicts = new Map<string, Verdict | undefined>();
  const ranges = new Map<Protocol, AdmittedRange[]>(PROTOCOLS.map((protocol) => [protocol, []]));
  const admit = (protocol: Protocol, range: PortRange, covered: readonly (readonly number[])[]): void => {
    const covers = covered.map((cover, l) => intersect(cover, byProtocol.get(protocol)![l]!));
    const key = covers.join('|');
    let verdict = verdicts.get(key);
    if (!verdicts.has(key)) {
      verdict = judge(layers, masks, covers, classCount);
      verdicts.set(key, verdict);
    }
    if (verdict) ranges.get(protocol)!.push({ protocol, from: range.from, to: range.to, ...verdict });
  };
  for (const segment of portSegments(layers.flatMap((rules) => rules.flatMap(({ rule }) => rule.ports)))) {
    const covered = mask((rule) => containsPort(rule.ports, segment.from));
    admit('tcp', segment, covered);
    admit('udp', segment, covered);
  }
  admit('icmp', ICMP_RANGE, mask((rule) => rule.allPorts));
  return mergeAdjacent(PROTOCOLS.flatMap((protocol) => ranges.get(protocol)!));
}
