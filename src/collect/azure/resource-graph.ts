/**
 * The inventory, through Azure Resource Graph: Resources, ResourceContainers
 * and AuthorizationResources, at the root management group when the
 * credential may read it (one query for the whole tenant), else per batch of
 * at most 300 subscriptions. A refused query is retried on smaller scopes —
 * batch, then each subscription — so one forbidden subscription never hides
 * the others. Every query keeps `id` and orders by it, since Resource Graph
 * pages (`$skipToken`) only then; a truncated answer without a token is a
 * failure of that scope, never accepted as complete.
 */
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { AZURE_FAMILIES } from '../../load/families/index.js';
import { describeDiagnosis, diagnose, isDenied } from '../connection/diagnose.js';
import type { CollectContext } from '../context.js';
import type { ProblemKind } from '../outcome.js';

const GENERIC = 'genericResources';
const PAGE_SIZE = 1000;
const SUBSCRIPTIONS_PER_QUERY = 300;

export interface ResourceGraphTable {
  /** File prefix under azure/resource-graph/. */
  key: string;
  query: string;
  /** The manifest families this table fills. */
  families: readonly string[];
  authorizationScopeFilter?: 'AtScopeAboveAndBelow';
}

const familyByType = new Map<string, string>(AZURE_FAMILIES.flatMap((family) => family.armTypes.map((type) => [type, family.key] as const)));
const CONTAINER_FAMILY = 'resourceContainers';
const AUTHORIZATION_FAMILY = 'authorization';

export const RESOURCE_GRAPH_TABLES: readonly ResourceGraphTable[] = [
  {
    key: 'resources',
    query: 'Resources | order by id asc',
    families: [...AZURE_FAMILIES.map((family) => family.key).filter((key) => key !== CONTAINER_FAMILY && key !== AUTHORIZATION_FAMILY), GENERIC],
  },
  { key: 'resourcecontainers', query: 'ResourceContainers | order by id asc', families: [CONTAINER_FAMILY] },
  {
    key: 'authorizationresources',
    query: "AuthorizationResources | where type in~ ('microsoft.authorization/roleassignments', 'microsoft.authorization/roledefinitions') | order by id asc",
    families: [AUTHORIZATION_FAMILY],
    // Assignments made at management groups above a subscription apply to it too.
    authorizationScopeFilter: 'AtScopeAboveAndBelow',
  },
];

type QueryScope = { managementGroups: string[] } | { subscriptions: string[] };

/** Why a query could not be read in full. */
interface QueryFailure {
  kind: Extract<ProblemKind, 'error' | 'denied'>;
  reason: string;
}

interface Row {
  id?: string;
  type?: string;
  subscriptionId?: string;
}

const describeScope = (scope: QueryScope): string =>
  'managementGroups' in scope ? `management group ${scope.managementGroups.join(', ')}` : scope.subscriptions.length === 1 ? `subscription ${scope.subscriptions[0]}` : `${scope.subscriptions.length} subscriptions`;

export class ResourceGraphCollector {
  private readonly client: ResourceGraphClient;
  private fileNumber = 0;
  /** Rows of the types later stages ask about (scale sets, web apps, clusters…), by lowercased type; kept once per id. */
  readonly kept = new Map<string, Map<string, Record<string, unknown>>>();

  constructor(
    private readonly context: CollectContext,
    keepTypes: Iterable<string> = [],
  ) {
    for (const type of keepTypes) this.kept.set(type.toLowerCase(), new Map());
    this.client = new ResourceGraphClient(context.connection.auth.credential, context.connection.armClientOptions());
  }

  /** Collects every table; records per subscription which families are complete and which failed. */
  async collect(): Promise<void> {
    const { log } = this.context;
    log.stage('Resource Graph', RESOURCE_GRAPH_TABLES.length);
    await Promise.all(
      RESOURCE_GRAPH_TABLES.map(async (table) => {
        await this.collectTable(table);
        log.advance('Resource Graph');
      }),
    );
  }

  private async collectTable(table: ResourceGraphTable): Promise<void> {
    const { rootManagementGroup, subscriptions } = this.context;
    const ids = subscriptions.map((subscription) => subscription.subscriptionId);
    if (rootManagementGroup) {
      const failure = await this.query(table, { managementGroups: [rootManagementGroup] });
      if (!failure) {
        this.complete(table, ids);
        // Assignments at management groups hang at tenant scope in the graph.
        if (table.key === 'authorizationresources') this.context.outcome.collected('tenant', table.families);
        return;
      }
      this.context.log.note(`Resource Graph: ${table.key} at the root management group failed (${failure.reason}); querying per subscription instead`);
    }
    for (let start = 0; start < ids.length; start += SUBSCRIPTIONS_PER_QUERY) await this.collectBatch(table, ids.slice(start, start + SUBSCRIPTIONS_PER_QUERY));
  }

  private async collectBatch(table: ResourceGraphTable, batch: string[]): Promise<void> {
    const failure = await this.query(table, { subscriptions: batch });
    if (!failure) return this.complete(table, batch);
    if (batch.length === 1) {
      for (const family of table.families) this.context.outcome.problem(batch[0] as string, family, failure.kind, `Resource Graph ${table.key}: ${failure.reason}`);
      return;
    }
    // One subscription refusing must not hide the others: ask each on its own.
    for (const subscription of batch) await this.collectBatch(table, [subscription]);
  }

  private complete(table: ResourceGraphTable, subscriptions: readonly string[]): void {
    for (const subscription of subscriptions) this.context.outcome.collected(subscription, table.families);
  }

  /** Runs one query through all its pages, writing each page; answers why when it could not be read in full. */
  private async query(table: ResourceGraphTable, scope: QueryScope): Promise<QueryFailure | undefined> {
    let skipToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.resources(
          {
            ...scope,
            query: table.query,
            options: { top: PAGE_SIZE, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}), ...(table.authorizationScopeFilter ? { authorizationScopeFilter: table.authorizationScopeFilter } : {}) },
          },
          this.context.signal ? { abortSignal: this.context.signal } : {},
        );
      } catch (error) {
        return { kind: isDenied(error) ? 'denied' : 'error', reason: describeDiagnosis(diagnose(error, { action: `querying ${table.key} for ${describeScope(scope)}` })) };
      }
      const rows = (Array.isArray(page.data) ? page.data : []) as Row[];
      this.fileNumber += 1;
      await this.context.writer.writeJson(`azure/resource-graph/${table.key}-${String(this.fileNumber).padStart(4, '0')}.json`, {
        totalRecords: page.totalRecords,
        count: page.count,
        resultTruncated: page.resultTruncated,
        data: rows,
      });
      this.countRows(table, rows);
      skipToken = page.skipToken;
      if (page.resultTruncated === 'true' && !skipToken) {
        return { kind: 'error', reason: `Resource Graph truncated the answer for ${describeScope(scope)} without a skip token (${page.count} of ${page.totalRecords} rows); the collection of this scope is incomplete` };
      }
    } while (skipToken);
    return undefined;
  }

  /** The kept rows of one type. */
  rowsOf(type: string): Array<Record<string, unknown>> {
    return [...(this.kept.get(type.toLowerCase())?.values() ?? [])];
  }

  private countRows(table: ResourceGraphTable, rows: readonly Row[]): void {
    for (const row of rows) {
      const kept = this.kept.get(String(row.type).toLowerCase());
      if (kept && row.id) kept.set(row.id.toLowerCase(), row as Record<string, unknown>);
      const scope = row.subscriptionId ? row.subscriptionId : 'tenant';
      const family = table.families.length === 1 ? (table.families[0] as string) : (familyByType.get(String(row.type).toLowerCase()) ?? GENERIC);
      this.context.outcome.count(scope, family, 1);
    }
  }
}
