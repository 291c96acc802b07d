import { createEmptyPipeline, createHttpHeaders, createPipelineRequest, type HttpClient, type PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { RequestStats, requestCountingPolicy } from '../../../src/collect/http/request-stats.js';
import { parseResetsAfter, throttlePolicy } from '../../../src/collect/http/throttle-policy.js';

/** Answers from a script, one per request, recording when each was sent. */
function scripted(answers: Array<{ status: number; headers?: Record<string, string> }>): HttpClient & { sent: number } {
  const client = {
    sent: 0,
    async sendRequest(request) {
      const answer = answers[Math.min(client.sent, answers.length - 1)]!;
      client.sent += 1;
      return { request, status: answer.status, headers: createHttpHeaders(answer.headers ?? {}), bodyAsText: '{}' } satisfies PipelineResponse;
    },
  } as HttpClient & { sent: number };
  return client;
}

function pipelineWith(stats: RequestStats, waits: number[]) {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(throttlePolicy({ stats, sleep: async (ms) => void waits.push(ms), baseDelayMs: 100 }));
  pipeline.addPolicy(requestCountingPolicy(stats, 'arm'));
  return pipeline;
}

const request = () => createPipelineRequest({ url: 'https://127.0.0.1/x' });

describe('throttlePolicy', () => {
  it('waits out a 429 with Retry-After as told and counts the wait', async () => {
    const stats = new RequestStats();
    const waits: number[] = [];
    const client = scripted([{ status: 429, headers: { 'retry-after': '3' } }, { status: 200 }]);
    const response = await pipelineWith(stats, waits).sendRequest(client, request());
    expect(response.status).toBe(200);
    expect(waits).toEqual([3000]);
    expect(stats.toJSON()).toMatchObject({ requests: 2, throttled: 1, throttleWaitMs: 3000 });
  });

  it('retries a 429 that carries no Retry-After, with growing waits (the SDK would give up)', async () => {
    const stats = new RequestStats();
    const waits: number[] = [];
    const client = scripted([{ status: 429 }, { status: 429 }, { status: 429 }, { status: 200 }]);
    expect((await pipelineWith(stats, waits).sendRequest(client, request())).status).toBe(200);
    expect(waits).toHaveLength(3);
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
    expect(waits[2]!).toBeGreaterThan(waits[1]!);
  });

  it('uses Resource Graph\'s quota reset when a 429 says nothing else, and pauses before the next query once the quota is spent', async () => {
    const stats = new RequestStats();
    const waits: number[] = [];
    const pipeline = pipelineWith(stats, waits);
    const throttled = scripted([{ status: 429, headers: { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:02' } }, { status: 200, headers: { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:04' } }]);
    await pipeline.sendRequest(throttled, request());
    expect(waits[0]).toBe(2000);
    await pipeline.sendRequest(scripted([{ status: 200 }]), request());
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThan(3000);
  });

  it('hands the 429 back after its retries', async () => {
    const waits: number[] = [];
    const client = scripted([{ status: 429 }]);
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(throttlePolicy({ stats: new RequestStats(), sleep: async (ms) => void waits.push(ms), maxRetries: 2, baseDelayMs: 1 }));
    expect((await pipeline.sendRequest(client, request())).status).toBe(429);
    expect(client.sent).toBe(3);
  });

  it('parses hh:mm:ss', () => {
    expect(parseResetsAfter('00:00:03')).toBe(3000);
    expect(parseResetsAfter('01:02:03')).toBe(3_723_000);
    expect(parseResetsAfter('soon')).toBeUndefined();
  });
});
