import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** What a collection cost: every HTTP request made, and the time spent waiting out throttling. */
export class RequestStats {
  requests = 0;
  /** Answers that told us to slow down (429), and quota-exhausted pauses taken before being told. */
  throttled = 0;
  throttleWaitMs = 0;
  readonly byService = new Map<string, number>();

  count(service: string): void {
    this.requests += 1;
    this.byService.set(service, (this.byService.get(service) ?? 0) + 1);
  }

  recordWait(ms: number): void {
    this.throttled += 1;
    this.throttleWaitMs += ms;
  }

  toJSON(): { requests: number; throttled: number; throttleWaitMs: number; byService: Record<string, number> } {
    return { requests: this.requests, throttled: this.throttled, throttleWaitMs: Math.round(this.throttleWaitMs), byService: Object.fromEntries([...this.byService].sort()) };
  }
}

/** Counts each HTTP request that goes on the wire (placed per retry, so retries count too). */
export function requestCountingPolicy(stats: RequestStats, service: string): PipelinePolicy {
  return {
    name: `reachgraphRequestCounting-${service}`,
    sendRequest(request, next) {
      stats.count(service);
      return next(request);
    },
  };
}
