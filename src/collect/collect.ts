/**
 * `reachgraph collect azure`: one tenant into one snapshot directory, in the
 * layout ingest reads — Resource Graph inventory, the ARM details Resource
 * Graph lacks, each AKS cluster's Kubernetes objects, Entra ID through
 * Microsoft Graph — and a manifest saying per scope what is complete, so
 * ingest never cleans what was not collected.
 */
import { VERSION } from '../version.js';
import type { Manifest } from '../snapshot/manifest.js';
import { collectArmDetails, ARM_DETAIL_SOURCE_TYPES } from './azure/arm-details.js';
import { collectManagedClusters, MANAGED_CLUSTER_TYPE } from './azure/managed-clusters.js';
import { ResourceGraphCollector } from './azure/resource-graph.js';
import type { AzureConnection } from './connection/connection.js';
import { describeDiagnosis, diagnose } from './connection/diagnose.js';
import { redactSecrets } from './connection/secrets.js';
import { type CollectContext, type CollectLog, silentLog } from './context.js';
import { collectEntra, ENTRA_FAMILIES } from './entra/index.js';
import { CollectionOutcome, type CollectionProblem } from './outcome.js';
import { SnapshotWriter } from './snapshot-writer.js';
import { type ScopeFilter, viewTenant } from './tenant.js';

export interface CollectOptions extends ScopeFilter {
  out: string;
  /** Cluster names or ARM ids to collect (all when empty) and to leave out. */
  includeClusters?: readonly string[];
  excludeClusters?: readonly string[];
  /** Skip Microsoft Graph (Entra ID). */
  skipEntra?: boolean;
  concurrency?: number;
  log?: CollectLog;
  signal?: AbortSignal;
}

export interface CollectSummary {
  snapshot: string;
  tenantId: string;
  cloud: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  subscriptions: number;
  clusters: number;
  counts: Record<string, number>;
  problems: CollectionProblem[];
  requests: ReturnType<AzureConnection['stats']['toJSON']>;
  /** True when something failed (not merely denied or skipped): the exit code is 1. */
  failed: boolean;
}

const clusterSelected = (cluster: Record<string, unknown>, options: CollectOptions): boolean => {
  const keys = [String(cluster.name).toLowerCase(), String(cluster.id).toLowerCase()];
  if (options.includeClusters?.length && !options.includeClusters.some((name) => keys.includes(name.toLowerCase()))) return false;
  return !options.excludeClusters?.some((name) => keys.includes(name.toLowerCase()));
};

export async function collectAzure(connection: AzureConnection, options: CollectOptions): Promise<CollectSummary> {
  const started = new Date();
  const log = options.log ?? silentLog;
  const tenant = await viewTenant(connection, options);
  const filtered = Boolean(options.includeSubscriptions?.length || options.excludeSubscriptions?.length);
  if (!tenant.rootManagementGroup.readable) log.note(`root management group not readable (${tenant.rootManagementGroup.reason}); querying per subscription`);
  const writer = await SnapshotWriter.create(options.out);
  const outcome = new CollectionOutcome();
  const context: CollectContext = {
    connection,
    writer,
    outcome,
    log,
    subscriptions: tenant.subscriptions,
    // A filtered collection must not read the subscriptions it leaves out, which the root group would include.
    rootManagementGroup: tenant.rootManagementGroup.readable && !filtered ? tenant.rootManagementGroup.name : undefined,
    concurrency: options.concurrency ?? 8,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    const inventory = new ResourceGraphCollector(context, [...ARM_DETAIL_SOURCE_TYPES, MANAGED_CLUSTER_TYPE]);
    const entra = options.skipEntra ? Promise.resolve() : collectEntraInto(context);
    await inventory.collect();
    const clusters = inventory.rowsOf(MANAGED_CLUSTER_TYPE).filter((cluster) => clusterSelected(cluster, options));
    await Promise.all([collectArmDetails(context, (type) => inventory.rowsOf(type)), collectManagedClusters(context, clusters), entra]);

    const finished = new Date();
    const manifest: Manifest & { scopes: ReturnType<CollectionOutcome['manifestScopes']> } = {
      version: 1,
      collectedAt: finished.toISOString(),
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      tenantId: tenant.tenantId,
      cloud: connection.endpoints.cloud,
      tool: { name: 'reachgraph', version: VERSION },
      requests: connection.stats.requests,
      scopes: outcome.manifestScopes(),
    };
    await writer.writeJson('manifest.json', JSON.parse(redactSecrets(JSON.stringify(manifest))));
    await writer.commit();
    return {
      snapshot: writer.target,
      tenantId: tenant.tenantId,
      cloud: connection.endpoints.cloud,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      subscriptions: tenant.subscriptions.length,
      clusters: clusters.length,
      counts: outcome.totals(),
      problems: outcome.problems().map((problem) => ({ ...problem, reason: redactSecrets(problem.reason) })),
      requests: connection.stats.toJSON(),
      failed: outcome.hasErrors(),
    };
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

async function collectEntraInto(context: CollectContext): Promise<void> {
  const { connection, outcome } = context;
  context.log.stage('Entra ID', ENTRA_FAMILIES.length);
  try {
    const result = await collectEntra({
      onFamilyDone: () => context.log.advance('Entra ID'),
      credential: connection.auth.credential,
      graphEndpoint: connection.endpoints.graph,
      outDir: `${context.writer.staging}/entra`,
      additionalPolicies: connection.countingPolicies('graph'),
      concurrency: context.concurrency,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const failedFamilies = new Set(result.failed.map((failure) => failure.family));
    outcome.collected('tenant', Object.keys(result.counts).filter((family) => !failedFamilies.has(family)));
    for (const [family, count] of Object.entries(result.counts)) outcome.count('tenant', family, count);
    for (const failure of result.failed) outcome.problem('tenant', failure.family, failure.denied ? 'denied' : 'error', failure.reason);
  } catch (error) {
    outcome.problem('tenant', 'entra', 'error', `Microsoft Graph: ${describeDiagnosis(diagnose(error, { action: 'reading Entra ID' }))}`);
  }
}
