import path from 'node:path';
import type { Command } from 'commander';
import type { CollectSummary } from '../../collect/collect.js';
import { redactSecrets } from '../../collect/connection/secrets.js';
import { collectProgress } from '../collect-progress.js';
import { UsageError } from '../errors.js';
import { addAzureOptions, type AzureCliOptions, type ResolvedConnection, resolveConnections } from './azure-options.js';

export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--concurrency takes a whole number from 1 to 64, not ${value}`);
  return n;
}

export interface CollectCliOptions extends AzureCliOptions {
  concurrency: number;
  entra: boolean;
}

export function formatCollectSummary(summary: CollectSummary): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const lines = [
    `Collected tenant ${summary.tenantId} (${summary.cloud}) into ${summary.snapshot} in ${seconds} s: ${summary.subscriptions} subscription(s), ${summary.clusters} AKS cluster(s).`,
    `Requests: ${summary.requests.requests} (${Object.entries(summary.requests.byService).map(([service, n]) => `${service} ${n}`).join(', ')}); throttled ${summary.requests.throttled} time(s), waited ${(summary.requests.throttleWaitMs / 1000).toFixed(1)} s.`,
    'Collected:',
    ...Object.entries(summary.counts).map(([family, n]) => `  ${family.padEnd(34)} ${n}`),
  ];
  const groups = { error: 'Failed', denied: 'Not permitted', skipped: 'Skipped' } as const;
  for (const kind of ['error', 'denied', 'skipped'] as const) {
    const problems = summary.problems.filter((problem) => problem.kind === kind);
    if (problems.length === 0) continue;
    lines.push(`${groups[kind]} (${problems.length}; the manifest marks them, so ingest keeps what it has for them):`);
    const seen = new Set<string>();
    for (const problem of problems) {
      const line = `  ${problem.scope} ${problem.family}: ${problem.reason}`;
      if (!seen.has(problem.reason)) lines.push(line);
      seen.add(problem.reason);
    }
  }
  return redactSecrets(lines.join('\n'));
}

/** Collects each connection; several connections go to one sub-folder each. */
export async function collectConnections(resolved: readonly ResolvedConnection[], out: string, options: { concurrency: number; entra: boolean; quiet?: boolean }): Promise<CollectSummary[]> {
  // The Azure SDKs load only for commands that talk to Azure.
  const [{ collectAzure }, { openConnection }] = await Promise.all([import('../../collect/collect.js'), import('../../collect/connection/connection.js')]);
  const summaries: CollectSummary[] = [];
  for (const item of resolved) {
    const connection = await openConnection(item.connection);
    const progress = collectProgress(options.quiet);
    try {
      summaries.push(
        await collectAzure(connection, {
          out: resolved.length > 1 ? path.join(out, connection.name) : out,
          includeSubscriptions: item.includeSubscriptions,
          excludeSubscriptions: item.excludeSubscriptions,
          includeClusters: item.includeClusters,
          excludeClusters: item.excludeClusters,
          concurrency: options.concurrency,
          skipEntra: !options.entra,
          log: progress,
        }),
      );
    } finally {
      progress.stop();
    }
  }
  return summaries;
}

export function registerCollect(program: Command): void {
  const collect = program.command('collect').description('collect a cloud into a snapshot directory');
  addAzureOptions(
    collect
      .command('azure')
      .description('collect an Azure tenant (Resource Graph, ARM, AKS clusters\' Kubernetes APIs, Entra ID) into a snapshot')
      .requiredOption('--out <snapshot>', 'the snapshot folder to write (must be new or empty)')
      .option('--concurrency <n>', 'requests in flight at once per stage', parseConcurrency, 8)
      .option('--no-entra', 'skip Microsoft Graph (Entra ID)')
      .option('--json', 'print the summary as JSON'),
  ).action(async (options: CollectCliOptions & { out: string; json?: boolean }) => {
    const summaries = await collectConnections(await resolveConnections(options), options.out, options);
    console.log(options.json ? redactSecrets(JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2)) : summaries.map(formatCollectSummary).join('\n\n'));
    if (summaries.some((summary) => summary.failed)) process.exitCode = 1;
  });
}
