/**
 * Saved Cypher queries: one `.cypher` file each under `cypher/`, with a header
 * of `//` comment lines (so the file pastes into Neo4j Browser unchanged):
 *
 *   // name: internet-exposed-vms
 *   // description: Internet-exposed virtual machines with their open ports.
 *   // param width: string = "" -- only this exposure width (wide or narrow); empty for both
 *   // column id: string -- the VM's id
 */
import { z } from 'zod';

export const PARAMETER_TYPES = ['string', 'int', 'float', 'boolean', 'list<string>'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export type ParameterValue = string | number | boolean | string[];

export interface QueryParameter {
  name: string;
  type: ParameterType;
  default: ParameterValue;
  description: string;
}

export interface QueryColumn {
  name: string;
  type: string;
  description: string;
}

export interface SavedQuery {
  name: string;
  description: string;
  parameters: QueryParameter[];
  columns: QueryColumn[];
  /** The query text, header included. */
  text: string;
  file: string;
}

export type SavedQueryProblem = 'header' | 'parameter' | 'read-only' | 'store';

export class SavedQueryError extends Error {
  override readonly name = 'SavedQueryError';
  constructor(
    message: string,
    /** What went wrong: a broken header, a bad parameter, a write clause, or a store that cannot run Cypher. */
    readonly problem: SavedQueryProblem = 'header',
  ) {
    super(message);
  }
}

const HEADER_LINE = /^\/\/\s*(?:(name|description)\s*:|(param|column)\s)\s*(.*)$/;
const PARAM_LINE = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(string|int|float|boolean|list<string>)\s*=\s*(.+?)\s*--\s*(.+)$/;
const COLUMN_LINE = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(\S+)\s*--\s*(.+)$/;

const valueSchemas: Record<ParameterType, z.ZodType<ParameterValue>> = {
  string: z.string(),
  int: z.number().int(),
  float: z.number(),
  boolean: z.boolean(),
  'list<string>': z.array(z.string()),
};

function parseDefault(file: string, name: string, type: ParameterType, text: string): ParameterValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SavedQueryError(`${file}: the default of parameter ${name} must be a JSON literal, not ${text}`);
  }
  const parsed = valueSchemas[type].safeParse(value);
  if (!parsed.success) throw new SavedQueryError(`${file}: the default of parameter ${name} is not a ${type}: ${text}`);
  return parsed.data;
}

export function parseSavedQuery(file: string, text: string): SavedQuery {
  const query: Omit<SavedQuery, 'name' | 'description'> & { name?: string; description?: string } = { parameters: [], columns: [], text, file };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('//')) break;
    const match = HEADER_LINE.exec(trimmed);
    if (!match) continue;
    const field = match[1] ?? match[2];
    const rest = match[3] ?? '';
    if (field === 'name') query.name = rest.trim();
    else if (field === 'description') query.description = [query.description, rest.trim()].filter(Boolean).join(' ');
    else if (field === 'param') {
      const param = PARAM_LINE.exec(rest);
      if (!param) throw new SavedQueryError(`${file}: cannot read "// param ${rest}"; expected "// param <name>: <type> = <JSON default> -- <description>"`);
      const [, name = '', type, defaultText = '', description = ''] = param;
      query.parameters.push({ name, type: type as ParameterType, default: parseDefault(file, name, type as ParameterType, defaultText), description });
    } else {
      const column = COLUMN_LINE.exec(rest);
      if (!column) throw new SavedQueryError(`${file}: cannot read "// column ${rest}"; expected "// column <name>: <type> -- <description>"`);
      const [, name = '', type = '', description = ''] = column;
      query.columns.push({ name, type, description });
    }
  }
  if (!query.name || !/^[a-z0-9][a-z0-9-]*$/.test(query.name)) throw new SavedQueryError(`${file}: the header needs "// name: <lowercase-with-dashes>"`);
  if (!query.description) throw new SavedQueryError(`${file}: the header needs "// description: …"`);
  if (query.columns.length === 0) throw new SavedQueryError(`${file}: the header needs at least one "// column <name>: <type> -- …"`);
  return { ...query, name: query.name, description: query.description };
}

/**
 * Checks and completes parameters: unknown names are refused, missing ones
 * take their defaults, strings from the command line are converted.
 */
export function bindParameters(query: SavedQuery, given: Record<string, unknown>, fromText: boolean): Record<string, ParameterValue> {
  const known = new Map(query.parameters.map((parameter) => [parameter.name, parameter]));
  const unknown = Object.keys(given).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const names = query.parameters.map((parameter) => parameter.name).join(', ') || 'none';
    throw new SavedQueryError(`${query.name} has no parameter ${unknown.join(', ')} (its parameters: ${names})`, 'parameter');
  }
  const bound: Record<string, ParameterValue> = {};
  for (const parameter of query.parameters) {
    const raw = given[parameter.name];
    if (raw === undefined) {
      bound[parameter.name] = parameter.default;
      continue;
    }
    const value = fromText && typeof raw === 'string' ? fromCommandLine(parameter.type, raw) : raw;
    const parsed = valueSchemas[parameter.type].safeParse(value);
    if (!parsed.success) {
      throw new SavedQueryError(`parameter ${parameter.name} of ${query.name} must be a ${parameter.type}, not ${JSON.stringify(raw)}`, 'parameter');
    }
    bound[parameter.name] = parsed.data;
  }
  return bound;
}

function fromCommandLine(type: ParameterType, text: string): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'int':
    case 'float':
      return text.trim() === '' ? text : Number(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'list<string>':
      return text === '' ? [] : text.split(',').map((item) => item.trim());
  }
}
