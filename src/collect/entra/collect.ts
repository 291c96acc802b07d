/**
 * Collects Microsoft Entra ID through Microsoft Graph into `<snapshot>/entra/`,
 * one Graph list response per family (families.ts). Families run side by
 * side; a family read per item of another starts when that one is done. A
 * failure ends its own family (and the families read through it) only.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AdditionalPolicyConfig } from '@azure-rest/core-client';
import type { TokenCredential } from '@azure/core-auth';
import { ENTRA_FAMILIES, type EntraFamily, withoutSecrets } from './families.js';
import { describeFailure, isPermissionRefusal, MissingParentError } from './failures.js';
import { createGraphClient, type GraphClient, GraphResponseError } from './graph-client.js';
import type { Sleep } from './graph-retry.js';
import { JsonListFile } from '../json-list-file.js';
import { createLimiter, forEachInOrder, type Limiter } from '../pool.js';

export interface EntraCollectOptions {
  credential: TokenCredential;
  /** e.g. https://graph.microsoft.com (sovereign clouds and tests differ); token scope is `${graphEndpoint}/.default`. */
  graphEndpoint: string;
  /** `<snapshot>/entra`, created if missing. */
  outDir: string;
  /** Request counting, shared throttling…: added to the Graph pipeline as the SDK clients add them. */
  additionalPolicies?: AdditionalPolicyConfig[];
  /** Per-item requests at once (members of each group, …), default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Waits between retries; tests pass one that does not really wait. Default: real timers. */
  sleep?: Sleep;
  /** Called as each family ends, written or failed (progress). */
  onFamilyDone?: (family: string) => void;
}

export interface EntraCollectResult {
  /** Items written per family key (for groupMembers, one item per group). Failed families are absent. */
  counts: Record<string, number>;
  /** Families not written, in registry order, each with its cause and fix. */
  /** `denied`: Graph refused the permission (403), directly or for the family it is read through. */
  failed: Array<{ family: string; reason: string; denied: boolean }>;
}

interface Run {
  client: GraphClient;
  outDir: string;
  limit: Limiter;
  window: number;
  signal: AbortSignal | undefined;
  /** Families whose item ids another family reads through. */
  parents: Set<string>;
}

const idOf = (item: unknown): string | undefined => {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
};

/** A listing, page after page, straight into its file; returns the ids of its items when another family needs them. */
async function collectList(run: Run, family: EntraFamily): Promise<{ count: number; ids: string[] | undefined }> {
  const ids = run.parents.has(family.key) ? ([] as string[]) : undefined;
  let page = await run.client.getPage(run.client.url(family.path, family.query), run.signal);
  const file = new JsonListFile(path.join(run.outDir, family.file), { head: { '@odata.context': page.context ?? `${run.client.base}/$metadata#${family.path.slice(1)}` } });
  try {
    for (;;) {
      const items = page.items.map(withoutSecrets);
      await file.append(items);
      if (ids) for (const id of items.map(idOf)) if (id) ids.push(id);
      if (!page.nextLink) break;
      page = await run.client.getPage(page.nextLink, run.signal);
    }
    await file.commit();
    return { count: file.count, ids };
  } catch (error) {
    await file.discard();
    throw error;
  }
}

/** Every page under one parent item; undefined when the item is gone (deleted since its family was listed). */
async function listUnder(run: Run, family: EntraFamily, id: string, signal: AbortSignal): Promise<unknown[] | undefined> {
  const items: unknown[] = [];
  let url: string | undefined = run.client.url(family.path.replace('{id}', encodeURIComponent(id)), family.query);
  try {
    while (url) {
      const page = await run.client.getPage(url, signal);
      for (const item of page.items) items.push(withoutSecrets(item));
      url = page.nextLink;
    }
  } catch (error) {
    if (error instanceof GraphResponseError && error.status === 404) return undefined;
    throw error;
  }
  return items;
}

async function collectEach(run: Run, family: EntraFamily, parentIds: readonly string[]): Promise<number> {
  const file = new JsonListFile(path.join(run.outDir, family.file), { head: { '@odata.context': `${run.client.base}/$metadata#${family.context ?? family.key}` } });
  try {
    await forEachInOrder(
      parentIds,
      { limit: run.limit, window: run.window, ...(run.signal ? { signal: run.signal } : {}) },
      (id, signal) => listUnder(run, family, id, signal),
      async (items, id) => {
        if (!items) return;
        await file.append(family.wrapAs ? [{ id, [family.wrapAs]: items }] : items);
      },
    );
    await file.commit();
    return file.count;
  } catch (error) {
    await file.discard();
    throw error;
  }
}

export async function collectEntra(options: EntraCollectOptions): Promise<EntraCollectResult> {
  await mkdir(options.outDir, { recursive: true });
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const run: Run = {
    client: createGraphClient({
      credential: options.credential,
      graphEndpoint: options.graphEndpoint,
      ...(options.additionalPolicies ? { additionalPolicies: options.additionalPolicies } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    }),
    outDir: options.outDir,
    limit: createLimiter(concurrency),
    window: concurrency * 4,
    signal: options.signal,
    parents: new Set(ENTRA_FAMILIES.flatMap((family) => (family.eachOf ? [family.eachOf] : []))),
  };
  const counts = new Map<string, number>();
  const failures = new Map<string, { reason: string; denied: boolean }>();
  // Each family's ids (for the families read through it), or undefined once it failed.
  const done = new Map<string, Promise<string[] | undefined>>();

  const collect = async (family: EntraFamily): Promise<string[] | undefined> => {
    try {
      if (family.eachOf) {
        const parentIds = await done.get(family.eachOf);
        if (!parentIds) throw new MissingParentError(family, failures.get(family.eachOf)!);
        counts.set(family.key, await collectEach(run, family, parentIds));
        return undefined;
      }
      const { count, ids } = await collectList(run, family);
      counts.set(family.key, count);
      return ids;
    } catch (error) {
      failures.set(family.key, { reason: describeFailure(error, family, options.graphEndpoint), denied: isPermissionRefusal(error) });
      return undefined;
    } finally {
      options.onFamilyDone?.(family.key);
    }
  };
  for (const family of ENTRA_FAMILIES) done.set(family.key, collect(family));
  await Promise.all(done.values());
  options.signal?.throwIfAborted();

  const order = ENTRA_FAMILIES.map((family) => family.key);
  return {
    counts: Object.fromEntries(order.filter((key) => counts.has(key)).map((key) => [key, counts.get(key) as number])),
    failed: order.filter((key) => failures.has(key)).map((key) => ({ family: key, ...failures.get(key)! })),
  };
}
