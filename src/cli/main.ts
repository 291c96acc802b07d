import { Command, CommanderError } from 'commander';
import { AnalysisInputError } from '../analysis/network-view.js';
import { SavedQueryError } from '../queries/saved-query.js';
import { ManifestError } from '../snapshot/manifest.js';
import { SnapshotNotFoundError } from '../snapshot/read-azure.js';
import { StoreError } from '../store/graph-store.js';
import { ConnectError, CredentialConfigError } from '../collect/errors.js';
import { ConfigFileError } from '../collect/connection/config-file.js';
import { EndpointError } from '../collect/connection/clouds.js';
import { redactSecrets } from '../collect/connection/secrets.js';
import { SnapshotTargetError } from '../collect/snapshot-writer.js';
import { registerAzure } from './commands/azure.js';
import { registerBom } from './commands/bom.js';
import { registerCollect } from './commands/collect.js';
import { registerDemo } from './commands/demo.js';
import { registerExposure } from './commands/exposure.js';
import { registerImages } from './commands/images.js';
import { registerIngest } from './commands/ingest.js';
import { registerIntegrity } from './commands/integrity.js';
import { registerQuery } from './commands/query.js';
import { registerRecompute } from './commands/recompute.js';
import { registerServe } from './commands/serve.js';
import { registerSync } from './commands/sync.js';
import { registerUnlock } from './commands/unlock.js';
import { UsageError } from './errors.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('reachgraph')
    .description('Exact internet reachability and attack paths for Azure and AKS')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run reachgraph --help for usage)');
  registerIngest(program);
  registerExposure(program);
  registerServe(program);
  registerRecompute(program);
  registerQuery(program);
  registerDemo(program);
  registerImages(program);
  registerBom(program);
  registerIntegrity(program);
  registerAzure(program);
  registerCollect(program);
  registerSync(program);
  registerUnlock(program);
  return program;
}

const EXPECTED_ERRORS = [
  UsageError,
  StoreError,
  SnapshotNotFoundError,
  AnalysisInputError,
  ManifestError,
  SavedQueryError,
  ConnectError,
  ConfigFileError,
  CredentialConfigError,
  EndpointError,
  SnapshotTargetError,
];

/** Runs the CLI and returns the exit code: 0 ok, 1 failed or partial input, 2 usage error. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      console.error(`reachgraph: ${error.message}`);
      return 2;
    }
    if (EXPECTED_ERRORS.some((type) => error instanceof type)) {
      console.error(`reachgraph: ${redactSecrets((error as Error).message)}`);
      return 1;
    }
    console.error(`reachgraph: unexpected error: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
    return 1;
  }
}
