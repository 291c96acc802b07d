/**
 * Values on their way to and from a Cypher server.
 *
 * JavaScript has one number type; Cypher has INTEGER and FLOAT. A whole number
 * is sent as an INTEGER, any other as a FLOAT, and a list holding any
 * fraction is sent as FLOATs only (Neo4j stores no mixed lists), so both
 * databases store the same types.
 */
import neo4j from 'neo4j-driver';
import { StoreError } from '../graph-store.js';

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

const isWhole = (value: number) => Number.isSafeInteger(value);

function checkNumber(value: number): void {
  if (!Number.isFinite(value)) throw new StoreError(`Cannot store ${value}: graph databases keep finite numbers only.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** Parameters for neo4j-driver: whole numbers become driver Integers (the driver sends every JS number as a FLOAT). */
export function toBoltParameter(value: unknown, floats = false): unknown {
  if (typeof value === 'number') {
    checkNumber(value);
    return !floats && isWhole(value) ? neo4j.int(value) : value;
  }
  if (Array.isArray(value)) {
    const allFloats = value.some((item) => typeof item === 'number' && !isWhole(item));
    return value.map((item) => toBoltParameter(item, allFloats));
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) result[key] = toBoltParameter(item);
    return result;
  }
  return value === undefined ? null : value;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A map key or parameter name as Cypher text: bare when it is an identifier, else in backticks. */
export function cypherName(name: string): string {
  return IDENTIFIER.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export function cypherString(value: string): string {
  return `'${value.replace(/[\\'\n\r\t]/g, (char) => ({ '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' })[char]!)}'`;
}

function cypherNumber(value: number, float: boolean): string {
  checkNumber(value);
  if (!float && isWhole(value)) return String(value);
  const text = String(value).replace('e+', 'e');
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * A value as a Cypher literal, for servers whose wire protocol has no typed
 * parameters (FalkorDB takes them as a `CYPHER name=literal …` prefix).
 */
export function cypherLiteral(value: unknown, float = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return cypherNumber(value, float);
  if (typeof value === 'string') return cypherString(value);
  if (Array.isArray(value)) {
    const floats = value.some((item) => typeof item === 'number' && !isWhole(item));
    return `[${value.map((item) => cypherLiteral(item, floats)).join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${cypherName(key)}: ${cypherLiteral(item)}`).join(', ')}}`;
  }
  throw new StoreError(`Cannot send a ${Object.prototype.toString.call(value)} to the graph database.`);
}

/** A statement with its parameters written into it as a `CYPHER name=literal …` prefix (FalkorDB). */
export function inlineParameters(text: string, params: Record<string, unknown> | undefined): string {
  const entries = Object.entries(params ?? {}).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return text;
  return `CYPHER ${entries.map(([name, value]) => `${cypherName(name)}=${cypherLiteral(value)}`).join(' ')} ${text}`;
}

/** A graph node as query results show it. */
export interface PlainNode {
  id: string | null;
  kind: string | null;
  labels: string[];
  properties: Record<string, Plain>;
}

export interface PlainRelationship {
  kind: string;
  /** The `id` property of the start and end node when the server sent them; else its own element ids. */
  start: string;
  end: string;
  properties: Record<string, Plain>;
}

export interface PlainPath {
  nodes: PlainNode[];
  relationships: PlainRelationship[];
}

/** Splits `id` and `kind` out of a stored node's properties, as GraphNode carries them. */
export function plainNode(labels: string[], properties: Record<string, Plain>): PlainNode {
  const { id, kind, ...rest } = properties;
  return {
    id: typeof id === 'string' ? id : null,
    kind: typeof kind === 'string' ? kind : (labels.find((label) => label !== 'Entity') ?? null),
    labels,
    properties: rest,
  };
}

/** Converts what neo4j-driver returns (Integer, Node, Relationship, Path, temporal and spatial values) to plain JSON values. */
export function fromBolt(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (Array.isArray(value)) return value.map(fromBolt);
  if (value instanceof neo4j.types.Node) return boltNode(value) as unknown as Plain;
  if (value instanceof neo4j.types.Relationship) return boltRelationship(value) as unknown as Plain;
  if (value instanceof neo4j.types.Path) {
    const nodes = [value.start, ...value.segments.map((segment) => segment.end)].map(boltNode);
    const ids = new Map<string, string>();
    for (const node of [value.start, ...value.segments.map((segment) => segment.end)]) {
      const id = node.properties.id;
      if (typeof id === 'string') ids.set(node.elementId, id);
    }
    const relationships = value.segments.map((segment) => boltRelationship(segment.relationship, ids));
    return { nodes, relationships } as unknown as Plain;
  }
  if (
    neo4j.isDate(value as never) ||
    neo4j.isDateTime(value as never) ||
    neo4j.isLocalDateTime(value as never) ||
    neo4j.isLocalTime(value as never) ||
    neo4j.isTime(value as never) ||
    neo4j.isDuration(value as never) ||
    neo4j.isPoint(value as never)
  ) {
    return String(value);
  }
  if (typeof value === 'object') {
    const result: Record<string, Plain> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) result[key] = fromBolt(item);
    return result;
  }
  return String(value);
}

function boltProperties(properties: Record<string, unknown>): Record<string, Plain> {
  const result: Record<string, Plain> = {};
  for (const [key, item] of Object.entries(properties)) result[key] = fromBolt(item);
  return result;
}

function boltNode(node: InstanceType<typeof neo4j.types.Node>): PlainNode {
  return plainNode([...node.labels], boltProperties(node.properties as Record<string, unknown>));
}

function boltRelationship(relationship: InstanceType<typeof neo4j.types.Relationship>, ids = new Map<string, string>()): PlainRelationship {
  return {
    kind: relationship.type,
    start: ids.get(relationship.startNodeElementId) ?? relationship.startNodeElementId,
    end: ids.get(relationship.endNodeElementId) ?? relationship.endNodeElementId,
    properties: boltProperties(relationship.properties as Record<string, unknown>),
  };
}
