import type { Command } from 'commander';
import { computeExposure } from '../../analysis/exposure.js';
import { ExposureFilterSchema, filterExposure } from '../../analysis/filter.js';
import { UsageError } from '../errors.js';
import { formatExposure } from '../format.js';
import { readGraphSource, reportPartialLoad } from '../graph-source.js';

interface ExposureOptions {
  store?: string;
  json?: boolean;
  kind?: string;
  port?: string;
  width?: string;
}

export function registerExposure(program: Command): void {
  program
    .command('exposure')
    .description('list the workloads the internet can reach, with ports, width and path')
    .argument('[source]', 'snapshot directory or graph store file (default: the graph store)')
    .option('--store <file|uri>', 'graph store when no source is given: a file, bolt://… (Neo4j) or falkordb://… (env REACHGRAPH_STORE, NEO4J_URI)')
    .option('--json', 'print {"assets":[…]} as documented in the README')
    .option('--kind <kind>', 'only assets of this kind, e.g. VirtualMachine')
    .option('--port <port>', 'only assets reachable on this TCP/UDP port')
    .option('--width <width>', 'only wide or narrow exposures')
    .action(async (source: string | undefined, options: ExposureOptions) => {
      const filter = ExposureFilterSchema.safeParse({ kind: options.kind, port: options.port, width: options.width });
      if (!filter.success) throw new UsageError(filter.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '));
      const input = await readGraphSource(source, options.store);
      const report = filterExposure(computeExposure(input.graph).report, filter.data);
      console.log(options.json ? JSON.stringify(report, null, 2) : formatExposure(report.assets));
      reportPartialLoad(input);
    });
}
