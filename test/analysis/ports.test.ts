import { describe, it, expect } from 'vitest';
import { containsPort, coversAllPorts, mergeRanges, parsePortRange, portSegments } from '../../src/analysis/ports.js';

describe('parsePortRange', () => {
  it("reads '*' as every port 0-65535", () => {
    expect(parsePortRange('*')).toEqual({ from: 0, to: 65535 });
  });

  it('reads a single port as a one-port range', () => {
    expect(parsePortRange('80')).toEqual({ from: 80, to: 80 });
    expect(parsePortRange('0')).toEqual({ from: 0, to: 0 });
    expect(parsePortRange('65535')).toEqual({ from: 65535, to: 65535 });
  });

  it("reads 'from-to' inclusively and tolerates whitespace", () => {
    expect(parsePortRange('8000-8100')).toEqual({ from: 8000, to: 8100 });
    expect(parsePortRange(' 8000 - 8100 ')).toEqual({ from: 8000, to: 8100 });
    expect(parsePortRange('22-22')).toEqual({ from: 22, to: 22 });
  });

  it.each(['', ' ', 'abc', 'http', '80-', '-80', '1-2-3', '80,443', '65536', '0-65536', '8100-8000', '*-80', '8o'])(
    'rejects %j with an error naming the text',
    (text) => {
      expect(() => parsePortRange(text)).toThrow(`'${text}'`);
    },
  );
});

describe('mergeRanges', () => {
  it('sorts ranges by start', () => {
    expect(mergeRanges([{ from: 443, to: 443 }, { from: 22, to: 22 }])).toEqual([
      { from: 22, to: 22 },
      { from: 443, to: 443 },
    ]);
  });

  it('merges overlapping and contained ranges', () => {
    expect(mergeRanges([{ from: 100, to: 200 }, { from: 150, to: 300 }, { from: 160, to: 170 }])).toEqual([
      { from: 100, to: 300 },
    ]);
  });

  it('merges adjacent ranges (80-89 and 90-99 are 80-99)', () => {
    expect(mergeRanges([{ from: 90, to: 99 }, { from: 80, to: 89 }])).toEqual([{ from: 80, to: 99 }]);
  });

  it('keeps ranges separated by a gap apart', () => {
    expect(mergeRanges([{ from: 80, to: 88 }, { from: 90, to: 99 }])).toEqual([
      { from: 80, to: 88 },
      { from: 90, to: 99 },
    ]);
  });

  it('returns an empty list for no ranges and does not mutate its input', () => {
    expect(mergeRanges([])).toEqual([]);
    const input = [{ from: 1, to: 5 }, { from: 3, to: 9 }];
    mergeRanges(input);
    expect(input).toEqual([{ from: 1, to: 5 }, { from: 3, to: 9 }]);
  });
});

describe('port helpers', () => {
  it('coversAllPorts is true only for the single range 0-65535', () => {
    expect(coversAllPorts(mergeRanges([{ from: 0, to: 100 }, { from: 101, to: 65535 }]))).toBe(true);
    expect(coversAllPorts([{ from: 1, to: 65535 }])).toBe(false);
    expect(coversAllPorts([])).toBe(false);
  });

  it('containsPort tests inclusive bounds', () => {
    const ranges = [{ from: 80, to: 80 }, { from: 8000, to: 8100 }];
    expect([79, 80, 81, 8000, 8100, 8101].map((port) => containsPort(ranges, port))).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  it('portSegments cuts 0-65535 at every range boundary', () => {
    expect(portSegments([{ from: 80, to: 80 }, { from: 0, to: 65535 }, { from: 70, to: 90 }])).toEqual([
      { from: 0, to: 69 },
      { from: 70, to: 79 },
      { from: 80, to: 80 },
      { from: 81, to: 90 },
      { from: 91, to: 65535 },
    ]);
    expect(portSegments([])).toEqual([{ from: 0, to: 65535 }]);
    expect(portSegments([{ from: 65535, to: 65535 }])).toEqual([
      { from: 0, to: 65534 },
      { from: 65535, to: 65535 },
    ]);
  });
});
