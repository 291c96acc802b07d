import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockTable } from '../../src/store/embedded-locks.js';
import { IngestLockedError } from '../../src/store/graph-store.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-locks-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('embedded ingest locks on disk', () => {
  it('lets exactly one of several processes take over an expired lock', async () => {
    for (let round = 0; round < 40; round += 1) {
      const scope = `/subscriptions/round-${round}`;
      await new LockTable(folder).acquire(scope, 'crashed', 1);
      await new Promise((resolve) => setTimeout(resolve, 3));
      // Each contender is its own process as far as the lock files go: its own table over the same folder.
      const outcomes = await Promise.allSettled(['a', 'b', 'c', 'd'].map((holder) => new LockTable(folder).acquire(scope, holder, 60_000)));
      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(winners, `round ${round}`).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(IngestLockedError);
    }
  });
});
