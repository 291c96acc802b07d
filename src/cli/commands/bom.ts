import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BOM_FORMATS, type BomFormat, buildBom } from '../../supply-chain/bom.js';
import { toCycloneDxJson, validateCycloneDx } from '../../supply-chain/cyclonedx.js';
import { UsageError } from '../errors.js';
import { VERSION } from '../../version.js';
import { readSupplyChainSource } from './images.js';

interface BomOptions {
  store?: string;
  format: string;
  output?: string;
  validate?: boolean;
}

export function registerBom(program: Command): void {
  program
    .command('bom')
    .description('the Cloud BOM: every running image digest with where it is deployed, its exposure and security context')
    .argument('[source]', 'snapshot directory or graph store file (default: the graph store)')
    .option('--store <file|uri>', 'graph store when no source is given (env REACHGRAPH_STORE)')
    .option('--format <format>', 'json (reachgraph shape) or cyclonedx (CycloneDX 1.6 JSON)', 'json')
    .option('-o, --output <file>', 'write the BOM to a file instead of standard output')
    .option('--validate', 'check the CycloneDX output against the CycloneDX 1.6 JSON schema; exit 1 when it does not conform')
    .action(async (source: string | undefined, options: BomOptions) => {
      if (!(BOM_FORMATS as readonly string[]).includes(options.format)) {
        throw new UsageError(`--format must be one of ${BOM_FORMATS.join(', ')}, not ${options.format}`);
      }
      const format = options.format as BomFormat;
      if (options.validate && format !== 'cyclonedx') throw new UsageError('--validate applies to --format cyclonedx');
      const input = await readSupplyChainSource(source, options.store);
      const bom = buildBom(input.graph, input.report, VERSION);
      const text = format === 'cyclonedx' ? toCycloneDxJson(bom) : JSON.stringify(bom, null, 2);
      if (options.validate) {
        const problems = await validateCycloneDx(text);
        if (problems !== null) {
          console.error(`reachgraph: the CycloneDX output does not conform to the 1.6 schema: ${JSON.stringify(problems, null, 2)}`);
          process.exitCode = 1;
          return;
        }
      }
      if (options.output) {
        await writeFile(options.output, `${text}\n`);
        console.error(`reachgraph: wrote ${bom.images.length} image(s) to ${options.output}`);
      } else console.log(text);
      input.finish();
    });
}
