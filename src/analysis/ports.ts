/** Destination port ranges as NSG rules write them ('*', '80', '8000-8100'). */

export interface PortRange {
  from: number;
  to: number;
}

export const MAX_PORT = 65535;

const PORT_TEXT = /^(\d+)(?:\s*-\s*(\d+))?$/;

/** Parses '*', a single port or 'from-to'; throws naming the text when invalid. */
export function parsePortRange(text: string): PortRange {
  const trimmed = text.trim();
  if (trimmed === '*') return { from: 0, to: MAX_PORT };
  const match = PORT_TEXT.exec(trimmed);
  if (match) {
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from <= to && to <= MAX_PORT) return { from, to };
  }
  throw new Error(`invalid port range '${text}': expected '*', a port or 'from-to' within 0-${MAX_PORT}`);
}

/** Sorted, with overlapping and adjacent ranges merged (so equal sets compare equal). */
export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: PortRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ from: range.from, to: range.to });
  }
  return merged;
}

/** `merged` must come from mergeRanges. */
export function coversAllPorts(merged: readonly PortRange[]): boolean {
  const only = merged[0];
  return merged.length === 1 && only !== undefined && only.from === 0 && only.to === MAX_PORT;
}

export function containsPort(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some((range) => range.from <= port && port <= range.to);
}

/**
 * Splits 0..65535 at every boundary of `ranges`: each returned segment lies wholly
 * inside or wholly outside every input range, so one port decides for the segment.
 */
export function portSegments(ranges: Iterable<PortRange>): PortRange[] {
  const starts = new Set<number>([0]);
  for (const range of ranges) {
    starts.add(range.from);
    if (range.to < MAX_PORT) starts.add(range.to + 1);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((from, i) => ({ from, to: (sorted[i + 1] ?? MAX_PORT + 1) - 1 }));
}
