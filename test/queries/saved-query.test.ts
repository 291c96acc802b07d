import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/queries/catalog.js';
import { writeClauseIn } from '../../src/store/cypher/read-only.js';
import { bindParameters, parseSavedQuery, SavedQueryError } from '../../src/queries/saved-query.js';

const HEADER = `// name: sample
// description: A sample query.
// param width: string = "" -- a width
// param limit: int = 10 -- how many
// param kinds: list<string> = ["VirtualMachine"] -- which kinds
// param strict: boolean = false -- strict mode
// column id: string -- the id
MATCH (n:Entity) RETURN n.id AS id LIMIT $limit
`;

describe('saved query headers', () => {
  it('reads name, description, typed parameters with defaults, and columns', () => {
    const query = parseSavedQuery('cypher/sample.cypher', HEADER);
    expect(query.name).toBe('sample');
    expect(query.description).toBe('A sample query.');
    expect(query.parameters).toEqual([
      { name: 'width', type: 'string', default: '', description: 'a width' },
      { name: 'limit', type: 'int', default: 10, description: 'how many' },
      { name: 'kinds', type: 'list<string>', default: ['VirtualMachine'], description: 'which kinds' },
      { name: 'strict', type: 'boolean', default: false, description: 'strict mode' },
    ]);
    expect(query.columns).toEqual([{ name: 'id', type: 'string', description: 'the id' }]);
  });

  it('refuses a header without a name, a description or columns, naming the file', () => {
    expect(() => parseSavedQuery('cypher/x.cypher', '// description: d\n// column a: string -- a\nRETURN 1')).toThrow(/cypher\/x.cypher.*name/);
    expect(() => parseSavedQuery('cypher/x.cypher', '// name: x\n// column a: string -- a\nRETURN 1')).toThrow(/description/);
    expect(() => parseSavedQuery('cypher/x.cypher', '// name: x\n// description: d\nRETURN 1')).toThrow(/column/);
  });

  it('refuses a default that does not match its type', () => {
    expect(() => parseSavedQuery('cypher/x.cypher', '// name: x\n// description: d\n// param n: int = "ten" -- n\n// column a: string -- a\nRETURN 1')).toThrow(
      /default of parameter n is not a int/,
    );
  });

  it('stops reading the header at the first line of Cypher', () => {
    const query = parseSavedQuery('cypher/x.cypher', '// name: x\n// description: d\n// column a: string -- a\nRETURN 1 AS a\n// param late: int = 1 -- ignored');
    expect(query.parameters).toEqual([]);
  });
});

describe('parameter binding', () => {
  const query = parseSavedQuery('cypher/sample.cypher', HEADER);

  it('fills defaults and converts command-line text to the declared types', () => {
    expect(bindParameters(query, { limit: '5', kinds: 'A,B', strict: 'true' }, true)).toEqual({ width: '', limit: 5, kinds: ['A', 'B'], strict: true });
  });

  it('refuses an unknown parameter, listing the known ones', () => {
    expect(() => bindParameters(query, { colour: 'red' }, true)).toThrow(/no parameter colour \(its parameters: width, limit, kinds, strict\)/);
  });

  it('refuses a value of the wrong type, from text or JSON', () => {
    expect(() => bindParameters(query, { limit: 'ten' }, true)).toThrow(SavedQueryError);
    expect(() => bindParameters(query, { limit: 1.5 }, false)).toThrow(/must be a int/);
    expect(() => bindParameters(query, { strict: 'yes' }, true)).toThrow(/must be a boolean/);
  });
});

describe('the read-only guard', () => {
  it.each([
    ['CREATE (n:X) RETURN n', 'CREATE'],
    ['MATCH (n) DETACH DELETE n', 'DETACH'],
    ['MATCH (n) SET n.x = 1', 'SET'],
    ['MERGE (n:X {id: 1})', 'MERGE'],
    ['MATCH (n) REMOVE n.x', 'REMOVE'],
    ['LOAD CSV FROM "file:///x" AS row RETURN row', 'LOAD CSV'],
    ['CALL apoc.create.node(["X"], {}) YIELD node RETURN node', 'CALL apoc.create'],
    ['MATCH (n) FOREACH (x IN [1] | SET n.y = x)', 'FOREACH'],
  ])('finds the write in %s', (text, clause) => {
    expect(writeClauseIn(text)).toMatch(new RegExp(`^${clause}`, 'i'));
  });

  it('ignores write words inside comments, strings and property names', () => {
    expect(writeClauseIn("// CREATE nothing\nMATCH (n) WHERE n.name = 'DELETE me' RETURN n.createdAt AS created, n.set AS set2")).toBeUndefined();
  });
});

describe('the bundled catalog', () => {
  it('loads every cypher/*.cypher file with a valid header, none of them writing', async () => {
    const catalog = await loadCatalog();
    expect(catalog.size).toBeGreaterThanOrEqual(3);
    for (const query of catalog.values()) {
      expect(writeClauseIn(query.text), query.file).toBeUndefined();
      for (const parameter of query.parameters) expect(query.text, `${query.file} uses $${parameter.name}`).toContain(`$${parameter.name}`);
      for (const column of query.columns) expect(query.text, `${query.file} returns ${column.name}`).toMatch(new RegExp(`AS ${column.name}\\b`));
    }
  });
});
