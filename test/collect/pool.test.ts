import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLimiter, forEachInOrder } from '../../src/collect/pool.js';

describe('createLimiter', () => {
  it('runs at most the limit at once, across every caller', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let most = 0;
    const task = async (): Promise<void> => {
      running += 1;
      most = Math.max(most, running);
      await sleep(2);
      running -= 1;
    };
    await Promise.all([...Array.from({ length: 10 }, () => limit(task)), ...Array.from({ length: 10 }, () => limit(task))]);
    expect(most).toBe(3);
    expect(running).toBe(0);
  });
});

describe('forEachInOrder', () => {
  it('hands results on in input order whatever order they finish in', async () => {
    const emitted: number[] = [];
    await forEachInOrder(
      [5, 1, 4, 2, 3],
      { limit: createLimiter(5), window: 5 },
      async (n) => {
        await sleep(n * 3);
        return n * 10;
      },
      async (result) => void emitted.push(result),
    );
    expect(emitted).toEqual([50, 10, 40, 20, 30]);
  });

  it('starts no item more than the window ahead of the oldest not yet handed on', async () => {
    const started: number[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const run = forEachInOrder(
      [0, 1, 2, 3, 4, 5],
      { limit: createLimiter(10), window: 3 },
      async (n) => {
        started.push(n);
        if (n === 0) await slow;
        return n;
      },
      async () => undefined,
    );
    await sleep(10);
    expect(started).toEqual([0, 1, 2]);
    release();
    await run;
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('stops at the first failure: later work is not started and running work sees its signal aborted', async () => {
    const started: number[] = [];
    const signals: AbortSignal[] = [];
    const emitted: number[] = [];
    const run = forEachInOrder(
      [0, 1, 2, 3, 4, 5, 6, 7],
      { limit: createLimiter(2), window: 4 },
      async (n, signal) => {
        started.push(n);
        signals.push(signal);
        if (n === 1) throw new Error('group 1 failed');
        await sleep(5);
        return n;
      },
      async (result) => void emitted.push(result),
    );
    await expect(run).rejects.toThrow('group 1 failed');
    expect(emitted).toEqual([0]);
    expect(started).not.toContain(7);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const run = forEachInOrder(
      [0, 1, 2, 3],
      { limit: createLimiter(1), window: 4, signal: controller.signal },
      async (n) => {
        if (n === 1) controller.abort(new Error('cancelled'));
        return n;
      },
      async () => undefined,
    );
    await expect(run).rejects.toThrow('cancelled');
  });
});
