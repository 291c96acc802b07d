import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { loadCatalog } from '../../queries/catalog.js';
import { runSavedQuery } from '../../queries/run.js';
import { openStore } from '../../store/open.js';
import { UsageError } from '../errors.js';
import { table } from '../format.js';

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const separator = value.indexOf('=');
  if (separator < 1) throw new UsageError(`--param takes name=value, not ${value}`);
  return { ...previous, [value.slice(0, separator)]: value.slice(separator + 1) };
}

function positiveInteger(flag: string) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) throw new UsageError(`${flag} must be a whole number of at least 1, not ${value}`);
    return number;
  };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

interface RunOptions {
  store?: string;
  param: Record<string, string>;
  json?: boolean;
  csv?: boolean;
  limit?: number;
  timeout?: number;
}

export function registerQuery(program: Command): void {
  const query = program.command('query').description('saved Cypher queries (cypher/*.cypher) over a Bolt graph store');

  query
    .command('list')
    .description('list the saved queries with their parameters and columns')
    .option('--json', 'print the catalog as JSON')
    .action(async (options: { json?: boolean }) => {
      const catalog = [...(await loadCatalog()).values()];
      if (options.json) {
        console.log(JSON.stringify(catalog.map(({ text: _text, ...rest }) => rest), null, 2));
        return;
      }
      for (const saved of catalog) {
        const parameters = saved.parameters.map((parameter) => `${parameter.name}: ${parameter.type} = ${JSON.stringify(parameter.default)}`).join(', ');
        console.log(`${saved.name}\n  ${saved.description}\n  parameters: ${parameters || 'none'}\n  columns: ${saved.columns.map((column) => column.name).join(', ')}\n`);
      }
    });

  query
    .command('run')
    .description('run a saved query read-only and print its rows')
    .argument('<name>', 'the query name (see query list)')
    .option('--store <uri>', 'graph database: bolt://localhost:7687 (Neo4j, or FalkorDB over Bolt) or falkordb://localhost:6379 (env REACHGRAPH_STORE, NEO4J_URI)')
    .option('--param <name=value>', 'a query parameter; repeat for several (lists: comma-separated)', collectParam, {})
    .option('--json', 'print {columns, rows, truncated} as JSON')
    .option('--csv', 'print CSV with a header row')
    .option('--limit <rows>', 'stop after this many rows', positiveInteger('--limit'))
    .option('--timeout <ms>', 'transaction timeout in milliseconds', positiveInteger('--timeout'))
    .action(async (name: string, options: RunOptions) => {
      if (options.json && options.csv) throw new UsageError('--json and --csv exclude each other');
      const saved = (await loadCatalog()).get(name);
      if (!saved) throw new UsageError(`No saved query named ${name}; run "reachgraph query list".`);
      const store = await openStore(options.store);
      try {
        const limits = { ...(options.limit ? { rowLimit: options.limit } : {}), ...(options.timeout ? { timeoutMs: options.timeout } : {}) };
        const result = await runSavedQuery(store, saved, options.param, { fromText: true, limits });
        if (options.json) console.log(JSON.stringify(result, null, 2));
        else if (options.csv) process.stdout.write(stringify(result.rows.map((row) => result.columns.map((column) => cell(row[column]))), { header: true, columns: result.columns }));
        else {
          console.log(table(result.columns, result.rows.map((row) => result.columns.map((column) => cell(row[column])))));
          console.log(`\n${result.rows.length} row(s)${result.truncated ? ' (truncated by the row limit)' : ''} in ${result.durationMs} ms.`);
        }
      } finally {
        await store.close();
      }
    });
}
