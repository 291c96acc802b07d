/**
 * Collects one AKS cluster's Kubernetes objects through its API server into
 * `<snapshot>/kubernetes/<folder>/`: one kubectl-style List per kind
 * (`pods.json`, …) and `cluster.json`, which `reachgraph ingest` reads as it
 * reads hand-made `kubectl get <kind> -A -o json` dumps.
 *
 * Each kind is listed cluster-wide in pages (`limit`/`continue`); a continue
 * token that expired (410) restarts that kind's listing, as client-go's pager
 * does. A kind that cannot be listed fails its family and nothing else.
 * Namespaces are listed first and alone: if that shows the server cannot be
 * used at all (no connection, untrusted certificate, credentials refused),
 * nothing is written and `unreachable` says why.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { kubernetesFamilyOf } from '../../load/kubernetes/index.js';
import { type KubernetesKind, KubernetesKinds } from '../../snapshot/read-kubernetes.js';
import { AKS_SERVER_APPLICATION, type ApiAnswer, ApiServer, KubeconfigError, RETRIED_STATUSES, TransportFailure } from './connection.js';
import { createLimiter } from '../pool.js';
import { kindListFile } from './list-file.js';
import { apiVersionOf, fileNameOf, forbiddenFix, type KindResource, listPathOf, resourceOf } from './resources.js';

export interface KubernetesCollectOptions {
  /** kubeconfig YAML as AKS listClusterUserCredentials returns it; never written to disk or logged. */
  kubeconfig: string;
  /**
   * Entra ID–integrated clusters: the kubeconfig user is an exec plugin (kubelogin) or the legacy `azure`
   * auth-provider, which we cannot run. When given, every request gets `Authorization: Bearer <await getToken()>`
   * instead (a fresh token per request — tokens expire within the hour; never a fixed token).
   */
  getToken?: () => Promise<string>;
  /** The managed cluster's ARM id; written to cluster.json as {"resourceId": …}. */
  clusterId: string;
  /** The folder to write (…/kubernetes/<folder>), created if missing. */
  outDir: string;
  /** `limit` per list call, default 500. */
  pageSize?: number;
  /** Kinds listed at once, default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called once per HTTP request made (the lead counts requests). */
  onRequest?: () => void;
  /** How to wait before a retry; tests pass one that returns at once. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Time allowed to open a TLS connection, default 10 s. */
  connectTimeoutMs?: number;
}

export interface KubernetesCollectResult {
  /** Objects written per family key (kubernetesPods, kubernetesWorkloads, …); a failed family counts the kinds of it that were written. */
  counts: Record<string, number>;
  /** Families with a kind that could not be listed, with a reason naming the cause and the fix, and whether the credentials were refused. Empty when unreachable. */
  failed: Array<{ family: string; kind: string; reason: string; denied: boolean }>;
  /** Set when the API server could not be used at all; then nothing is written. */
  unreachable?: string;
  /** With `unreachable`: the server answered, but refused the credentials (401). */
  refused?: boolean;
  requests: number;
}

/** How many times one kind's listing starts over after its continue token expired. */
export const MAX_RESTARTS = 3;

type KindOutcome = { kind: KubernetesKind; count: number } | ({ kind: KubernetesKind } & Refusal);

/** Why a kind was not listed; `denied` when the API server refused the credentials (401, 403) rather than failed. */
interface Refusal {
  reason: string;
  serverUnusable: boolean;
  denied: boolean;
}

function statusMessage(body: unknown): string | undefined {
  const message = (body as { kind?: unknown; message?: unknown } | undefined)?.message;
  return (body as { kind?: unknown } | undefined)?.kind === 'Status' && typeof message === 'string' && message ? message : undefined;
}

/** `listing pods`, `listing deployments.apps`: the resource as kubectl and RBAC messages name it. */
const listing = (resource: KindResource) => `listing ${resource.plural}${resource.group ? `.${resource.group}` : ''}`;

function refusal(api: ApiServer, resource: KindResource, answer: ApiAnswer): Refusal {
  const said = statusMessage(answer.body);
  const what = listing(resource);
  switch (answer.status) {
    case 401:
      return {
        reason:
          `401 Unauthorized ${what}: the API server rejected the credentials — ` +
          (api.credentials === 'token provider'
            ? `the token must be a Microsoft Entra ID token for the AKS server application (audience ${AKS_SERVER_APPLICATION}) from the tenant the cluster trusts`
            : 'the kubeconfig\'s credentials are no longer valid (rotated, or local accounts disabled): fetch fresh ones'),
        serverUnusable: true,
        denied: true,
      };
    case 403:
      return { reason: `403 Forbidden ${what}${said ? ` (${said})` : ''}: ${forbiddenFix(resource)}`, serverUnusable: false, denied: true };
    case 404:
      return {
        reason: `404 Not Found ${what}: the cluster does not serve ${apiVersionOf(resource)} ${resource.plural} — its Kubernetes version predates it; upgrade the cluster to collect ${resource.kind} objects`,
        serverUnusable: false,
        denied: false,
      };
    default:
      if (RETRIED_STATUSES.has(answer.status)) {
        return { reason: `${answer.status} ${what}${said ? ` (${said})` : ''}: the API server kept refusing after retries; collect again later`, serverUnusable: false, denied: false };
      }
      return { reason: `${answer.status} ${what}${said ? `: ${said}` : ''}`, serverUnusable: false, denied: false };
  }
}

async function listKind(api: ApiServer, kind: KubernetesKind, options: KubernetesCollectOptions, pageSize: number): Promise<KindOutcome> {
  const resource = resourceOf(kind);
  const listPath = listPathOf(resource);
  const out = kindListFile(options.outDir, fileNameOf(resource), apiVersionOf(resource), kind);
  let committed = false;
  try {
    let restarts = 0;
    let token: string | undefined;
    for (;;) {
      const answer = await api.get(listPath, { limit: String(pageSize), continue: token });
      if (answer.status === 410 && token !== undefined) {
        if (restarts === MAX_RESTARTS) {
          const reason =
            `410 Gone ${listing(resource)}: the continue token expired ${restarts + 1} times in a row — the API server keeps a consistent list ` +
            'for about 5 minutes (etcd compaction) and the listing took longer; collect again, with a larger pageSize on a slow link';
          return { kind, reason, serverUnusable: false, denied: false };
        }
        // The snapshot the pages came from is gone; pages from a newer one would mix two states of the cluster.
        restarts += 1;
        await out.restart();
        token = undefined;
        continue;
      }
      if (answer.status !== 200) return { kind, ...refusal(api, resource, answer) };
      const list = answer.body as { items?: unknown; metadata?: { continue?: unknown } } | undefined;
      if (!list || !Array.isArray(list.items)) {
        return { kind, reason: `${listing(resource)}: the API server answered 200 without a list of items`, serverUnusable: false, denied: false };
      }
      await out.append(list.items);
      token = typeof list.metadata?.continue === 'string' && list.metadata.continue !== '' ? list.metadata.continue : undefined;
      if (token === undefined) break;
    }
    await out.commit();
    committed = true;
    return { kind, count: out.count };
  } catch (error) {
    options.signal?.throwIfAborted();
    if (error instanceof TransportFailure) return { kind, reason: `${listing(resource)}: ${error.message}`, serverUnusable: true, denied: false };
    const reason = (error as NodeJS.ErrnoException).syscall ? `cannot write ${out.file}: ${(error as Error).message}` : `${listing(resource)} failed: ${String(error)}`;
    return { kind, reason, serverUnusable: false, denied: false };
  } finally {
    if (!committed) await out.discard();
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${value}`);
  return value;
}

export async function collectKubernetesCluster(options: KubernetesCollectOptions): Promise<KubernetesCollectResult> {
  const pageSize = positive(options.pageSize, 500, 'pageSize');
  const concurrency = positive(options.concurrency, 4, 'concurrency');
  options.signal?.throwIfAborted();
  let api: ApiServer;
  try {
    api = await ApiServer.open({ ...options, maxSockets: concurrency });
  } catch (error) {
    if (error instanceof KubeconfigError) return { counts: {}, failed: [], unreachable: error.message, requests: 0 };
    throw error;
  }
  try {
    const probe = await listKind(api, 'Namespace', options, pageSize);
    if ('reason' in probe && probe.serverUnusable) return { counts: {}, failed: [], unreachable: probe.reason, refused: probe.denied, requests: api.requests };

    await mkdir(options.outDir, { recursive: true });
    await writeFile(path.join(options.outDir, 'cluster.json'), `${JSON.stringify({ resourceId: options.clusterId }, null, 2)}\n`);
    const rest = KubernetesKinds.filter((kind) => kind !== 'Namespace');
    const limit = createLimiter(concurrency);
    // allSettled: no kind may still be writing when a failure is thrown.
    const settled = await Promise.allSettled(rest.map((kind) => limit(() => listKind(api, kind, options, pageSize))));
    const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    const outcomes = [probe, ...settled.map((outcome) => (outcome as PromiseFulfilledResult<Awaited<ReturnType<typeof listKind>>>).value)];

    const counts: Record<string, number> = {};
    const failed: KubernetesCollectResult['failed'] = [];
    for (const outcome of outcomes) {
      const family = kubernetesFamilyOf(outcome.kind)?.key ?? outcome.kind;
      if ('reason' in outcome) failed.push({ family, kind: outcome.kind, reason: outcome.reason, denied: outcome.denied });
      else counts[family] = (counts[family] ?? 0) + outcome.count;
    }
    return { counts, failed, requests: api.requests };
  } finally {
    api.close();
  }
}
