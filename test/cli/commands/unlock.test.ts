import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../src/store/embedded-store.js';
import { runCli } from '../../helpers/cli.js';
import { scratchFolder } from '../../helpers/scratch.js';

const contoso = path.resolve(import.meta.dirname, '../../../examples/contoso');
const SCOPE = '/subscriptions/9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82';
const HOUR = 3_600_000;
const scratch = scratchFolder();

async function lockedStore(holder: string): Promise<string> {
  const file = path.join(scratch.root, 'graph.json');
  expect((await runCli('ingest', contoso, '--store', file)).code).toBe(0);
  const store = await EmbeddedStore.open(file);
  await store.acquireLock(SCOPE, holder, HOUR);
  await store.close();
  return file;
}

describe('ingest locks left behind', () => {
  it('a lock whose holder process on this host is gone is taken over at once', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const file = await lockedStore(`${os.hostname()} pid ${gone}, generation 1`);
    const run = await runCli('ingest', contoso, '--store', file);
    expect(run.code, run.stderr).toBe(0);
  });

  it('a lock held on another host is refused with how to remove it, and `reachgraph unlock` removes it', async () => {
    const file = await lockedStore('build-agent-7 pid 4242, generation 1');
    const refused = await runCli('ingest', contoso, '--store', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Another ingest \(build-agent-7 pid 4242, generation 1\) is writing .*reachgraph unlock \/subscriptions\/9b2f6d1e/);

    const unlocked = await runCli('unlock', '9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82', '--store', file);
    expect(unlocked.stdout).toBe(`Removed the ingest lock of ${SCOPE} held by build-agent-7 pid 4242, generation 1.\n`);
    expect((await runCli('unlock', SCOPE, '--store', file)).stdout).toBe(`No ingest lock on ${SCOPE}.\n`);
    expect((await runCli('ingest', contoso, '--store', file)).code).toBe(0);
  });

  it('a live holder on this host keeps its lock', async () => {
    const file = await lockedStore(`${os.hostname()} pid ${process.ppid}, generation 1`);
    expect((await runCli('ingest', contoso, '--store', file)).code).toBe(1);
  });
});
