import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { scratchFolder } from '../helpers/scratch.js';

const scratch = scratchFolder();

describe('openStore', () => {
  it('refuses an address scheme it does not know, naming the ones it does, instead of taking it for a file', async () => {
    await expect(openStore('redis://127.0.0.1:6379/graph')).rejects.toThrow(/redis:\/\/ is not a store reachgraph knows: use bolt:\/\/, bolt\+s:\/\/.*falkordb:\/\/, falkordbs:\/\/ or a file path/);
    expect(existsSync('redis:')).toBe(false);
  });

  it('creates an embedded store only when asked to; readers refuse a missing one', async () => {
    const file = path.join(scratch.root, 'typo.json');
    await expect(openStore(file)).rejects.toThrow(/No graph store at .*typo\.json: run "reachgraph ingest <snapshot>"/);
    const created = await openStore(file, { create: true });
    await created.close();
  });

  it('recompute on a store that does not exist fails instead of reporting an empty estate', async () => {
    const run = await runCli('recompute', '--store', path.join(scratch.root, 'typo.json'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/No graph store at .*typo\.json/);
    expect(run.stdout).not.toMatch(/0 workloads/);
    expect(existsSync(path.join(scratch.root, 'typo.json'))).toBe(false);
  });
});
