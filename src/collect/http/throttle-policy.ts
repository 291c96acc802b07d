/**
 * Waits out throttling for every Azure client of a connection.
 *
 * The SDKs' own retry policy honours Retry-After, but a 429 without it is
 * not retried at all, and Resource Graph announces its quota on successful
 * answers (`x-ms-user-quota-remaining`, `x-ms-user-quota-resets-after`,
 * hh:mm:ss): when the quota is spent, the next query would be refused, so the
 * policy pauses every request of the pipeline until the window resets.
 * It sits per call, before the SDK's retry and signing: what reaches it is a
 * 429 the SDK gave back, and its retry is signed afresh, so a token that
 * expired during a long wait is never sent.
 */
import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import type { AbortSignalLike } from '@azure/abort-controller';
import { delay } from '@azure/core-util';
import type { RequestStats } from './request-stats.js';
import { parseRetryAfter } from './retry-after.js';

export interface ThrottleOptions {
  stats: RequestStats;
  /** Attempts per request before the 429 is handed back (default 8). */
  maxRetries?: number;
  /** Upper bound for one wait (default 60 s). */
  maxWaitMs?: number;
  /** Base of the exponential backoff for a 429 that says nothing (default 1 s). */
  baseDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignalLike) => Promise<void>;
}

/** `hh:mm:ss` (Resource Graph) → milliseconds. */
export function parseResetsAfter(value: string | undefined): number | undefined {
  const match = value ? /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  return (Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000;
}

/** What the answer says to wait, in milliseconds: Retry-After (seconds or a date), retry-after-ms, x-ms-retry-after-ms, or the quota reset. */
export function waitFromHeaders(response: PipelineResponse, now = Date.now()): number | undefined {
  const headers = response.headers;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  return parseRetryAfter(headers.get('retry-after'), now) ?? parseResetsAfter(headers.get('x-ms-user-quota-resets-after'));
}

export function throttlePolicy(options: ThrottleOptions): PipelinePolicy {
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignalLike) => delay(ms, signal ? { abortSignal: signal } : {}));
  const maxRetries = options.maxRetries ?? 8;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  // Shared by every request of the pipeline: a spent quota holds them all.
  let pausedUntil = 0;

  const pause = async (ms: number, counted: boolean, signal?: AbortSignalLike): Promise<void> => {
    const wait = Math.min(ms, maxWaitMs);
    // A 429 is counted where it arrives (request counting); its wait is counted here unless its Retry-After already was.
    if (counted) options.stats.recordWait(wait);
    else options.stats.recordThrottle(wait);
    await sleep(wait, signal);
  };

  return {
    name: 'reachgraphThrottle',
    async sendRequest(request, next) {
      for (let attempt = 0; ; attempt += 1) {
        const waitForQuota = pausedUntil - Date.now();
        if (waitForQuota > 0) await pause(waitForQuota, false, request.abortSignal);
        const response = await next(request);
        const remaining = response.headers.get('x-ms-user-quota-remaining');
        // A 429's own wait covers its reset; only a successful answer that spent the quota holds the next requests.
        if (response.status !== 429 && remaining !== undefined && Number(remaining) <= 0) {
          const resets = parseResetsAfter(response.headers.get('x-ms-user-quota-resets-after'));
          if (resets !== undefined) pausedUntil = Math.max(pausedUntil, Date.now() + resets);
        }
        if (response.status !== 429 || attempt >= maxRetries) return response;
        const told = waitFromHeaders(response);
        const backoff = baseDelayMs * 2 ** attempt * (0.8 + Math.random() * 0.4);
        if (told === undefined) await pause(backoff, true, request.abortSignal);
        else await sleep(Math.min(told, maxWaitMs), request.abortSignal);
      }
    },
  };
}
