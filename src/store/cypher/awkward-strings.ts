/**
 * Strings a graph database cannot hold as written: FalkorDB ends a statement
 * at a NUL character (it is C underneath), and a lone UTF-16 surrogate
 * becomes U+FFFD on the way to any server that speaks UTF-8. Such a value is
 * stored as JSON text behind a marker — JSON escapes both — and restored on
 * read, so every store gives back exactly what was written. A value that
 * happens to begin with the marker is encoded too, so decoding is never
 * ambiguous. Everything else is stored as is.
 */
import type { Properties, PropertyValue } from '../../model/graph.js';

const MARKER = '\u0001reachgraph-json:';
const AWKWARD = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const encodeString = (value: string): string => (AWKWARD.test(value) || value.startsWith(MARKER) ? `${MARKER}${JSON.stringify(value)}` : value);
const decodeString = (value: string): string => (value.startsWith(MARKER) ? (JSON.parse(value.slice(MARKER.length)) as string) : value);

function mapStrings(value: PropertyValue, map: (text: string) => string): PropertyValue {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value) && value.some((item) => typeof item === 'string')) return (value as string[]).map((item) => map(item));
  return value;
}

export function encodeProperties(properties: Record<string, PropertyValue>): Record<string, PropertyValue> {
  const result: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(properties)) result[key] = mapStrings(value, encodeString);
  return result;
}

export function decodeProperties(properties: Properties): Properties {
  const result: Properties = {};
  for (const [key, value] of Object.entries(properties)) result[key] = mapStrings(value, decodeString);
  return result;
}
