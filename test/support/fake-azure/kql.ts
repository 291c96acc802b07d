/**
 * The part of KQL a collector sends to Resource Graph: a table, then any of
 * `where` (column `=~ == != !~` a string, or `in in~ !in !in~` a list,
 * joined by `and`), `project` columns, `order by`/`sort by` (descending
 * unless told, as in KQL), `limit`/`take`. Anything else is refused with the
 * shape of Resource Graph's 400 so the collector's error path is exercised;
 * the detail says it is this fake that does not evaluate it.
 */
const TABLES = ['Resources', 'ResourceContainers', 'AuthorizationResources'] as const;
export type TableName = (typeof TABLES)[number];

const COLUMNS = ['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy', 'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation'] as const;
const SCALAR_COLUMNS = new Set(['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy']);

type Operator = '=~' | '==' | '!=' | '!~' | 'in' | 'in~' | '!in' | '!in~';

interface Condition {
  column: string;
  operator: Operator;
  values: string[];
}

export interface ParsedQuery {
  table: TableName;
  conditions: Condition[];
  columns: string[];
  order?: { column: string; descending: boolean };
  limit?: number;
}

export class QueryError extends Error {
  constructor(
    readonly detail: Record<string, unknown>,
    message: string,
  ) {
    super(message);
  }
}

interface Token {
  kind: 'word' | 'string' | 'number' | 'symbol';
  text: string;
  position: number;
}

const SYMBOLS = ['!in~', '!in', '=~', '==', '!=', '!~', '|', ',', '(', ')'];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index] as string;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = query.indexOf(char, index + 1);
      if (end < 0) throw parserFailure(index, query.slice(index));
      tokens.push({ kind: 'string', text: query.slice(index + 1, end), position: index });
      index = end + 1;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => query.startsWith(candidate, index) && !(candidate.startsWith('!in') && /\w/.test(query[index + candidate.length] ?? '')));
    if (symbol) {
      tokens.push({ kind: 'symbol', text: symbol, position: index });
      index += symbol.length;
      continue;
    }
    if (/^in~/.test(query.slice(index))) {
      tokens.push({ kind: 'symbol', text: 'in~', position: index });
      index += 3;
      continue;
    }
    const word = /^[A-Za-z_][\w.]*/.exec(query.slice(index))?.[0] ?? /^\d+/.exec(query.slice(index))?.[0];
    if (!word) throw parserFailure(index, char);
    tokens.push({ kind: /^\d/.test(word) ? 'number' : word === 'in' ? 'symbol' : 'word', text: word, position: index });
    index += word.length;
  }
  return tokens;
}

const INVALID_QUERY = { code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' };

function parserFailure(position: number, token: string): QueryError {
  return new QueryError({ code: 'ParserFailure', message: 'ParserFailure', line: 1, characterPositionInLine: position, token }, `syntax error at ${position} near '${token}'`);
}

export const invalidQueryDetails = (error: QueryError): Array<Record<string, unknown>> => [INVALID_QUERY, error.detail];

export function parseQuery(query: string): ParsedQuery {
  const tokens = tokenize(query);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const next = (): Token => {
    const token = tokens[at];
    if (!token) throw parserFailure(query.length, '<EOF>');
    at += 1;
    return token;
  };
  const expect = (text: string): Token => {
    const token = next();
    if (token.text.toLowerCase() !== text) throw parserFailure(token.position, token.text);
    return token;
  };
  const column = (operator: string): string => {
    const token = next();
    if (token.kind !== 'word') throw parserFailure(token.position, token.text);
    if (!(COLUMNS as readonly string[]).includes(token.text)) {
      throw new QueryError({ code: 'SemanticError', message: `'${operator}' operator: Failed to resolve scalar expression named '${token.text}'` }, `unknown column ${token.text}`);
    }
    return token.text;
  };

  const tableToken = next();
  const table = TABLES.find((name) => name.toLowerCase() === tableToken.text.toLowerCase());
  if (!table) throw new QueryError({ code: 'SemanticError', message: `'${tableToken.text}' table or tabular function could not be resolved` }, `unknown table ${tableToken.text}`);
  const parsed: ParsedQuery = { table, conditions: [], columns: [...COLUMNS] };

  while (peek()) {
    expect('|');
    const operator = next();
    switch (operator.text.toLowerCase()) {
      case 'where':
        do {
          const name = column('where');
          if (!SCALAR_COLUMNS.has(name)) throw new QueryError({ code: 'SemanticError', message: `Cannot compare values of types dynamic and string. Try adding explicit casts` }, `${name} is not a string column`);
          const op = next();
          if (!['=~', '==', '!=', '!~', 'in', 'in~', '!in', '!in~'].includes(op.text)) throw parserFailure(op.position, op.text);
          const values: string[] = [];
          if (op.text.includes('in')) {
            expect('(');
            do {
              const value = next();
              if (value.kind !== 'string') throw parserFailure(value.position, value.text);
              values.push(value.text);
            } while (peek()?.text === ',' && next());
            expect(')');
          } else {
            const value = next();
            if (value.kind !== 'string') throw parserFailure(value.position, value.text);
            values.push(value.text);
          }
          parsed.conditions.push({ column: name, operator: op.text as Operator, values });
        } while (peek()?.text.toLowerCase() === 'and' && next());
        break;
      case 'project':
        parsed.columns = [];
        do parsed.columns.push(column('project'));
        while (peek()?.text === ',' && next());
        break;
      case 'order':
      case 'sort': {
        expect('by');
        const name = column(operator.text);
        const direction = peek()?.text.toLowerCase();
        if (direction === 'asc' || direction === 'desc') next();
        parsed.order = { column: name, descending: direction !== 'asc' };
        break;
      }
      case 'limit':
      case 'take': {
        const count = next();
        if (count.kind !== 'number') throw parserFailure(count.position, count.text);
        parsed.limit = Number(count.text);
        break;
      }
      default:
        throw new QueryError(
          { code: 'UnsupportedByFake', message: `The fake Resource Graph does not evaluate '${operator.text}' (it knows where, project, order by, sort by, limit, take)` },
          `unsupported operator ${operator.text}`,
        );
    }
  }
  return parsed;
}

function holds(condition: Condition, row: Record<string, unknown>): boolean {
  const value = String(row[condition.column] ?? '');
  const insensitive = condition.operator.includes('~');
  const matches = condition.values.some((candidate) => (insensitive ? candidate.toLowerCase() === value.toLowerCase() : candidate === value));
  return condition.operator.startsWith('!') ? !matches : matches;
}

/** The query's rows, in its order, before paging (columns are projected by the caller, page by page). */
export function evaluate(query: ParsedQuery, rows: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  let result = query.conditions.length ? rows.filter((row) => query.conditions.every((condition) => holds(condition, row))) : [...rows];
  const order = query.order;
  if (order) {
    const key = (row: Record<string, unknown>): string => String(row[order.column] ?? '');
    result.sort((a, b) => {
      const left = key(a);
      const right = key(b);
      const compared = left < right ? -1 : left > right ? 1 : 0;
      return order.descending ? -compared : compared;
    });
  }
  if (query.limit !== undefined) result = result.slice(0, query.limit);
  return result;
}
