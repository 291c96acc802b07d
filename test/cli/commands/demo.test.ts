import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { scratchFolder } from '../../helpers/scratch.js';

const scratch = scratchFolder();

describe('reachgraph demo', () => {
  it('refuses to replace a store it did not make, and replaces its own on every run', async () => {
    const mine = path.join(scratch.root, 'graph.json');
    expect((await runCli('ingest', path.resolve(import.meta.dirname, '../../../examples/contoso'), '--store', mine)).code).toBe(0);
    const before = await readFile(mine, 'utf8');
    const refused = await runCli('demo', '--store', mine, '--no-serve');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/graph\.json exists and was not made by "reachgraph demo"/);
    expect(await readFile(mine, 'utf8')).toBe(before);

    const demo = path.join(scratch.root, 'demo.json');
    for (let run = 0; run < 2; run += 1) {
      const result = await runCli('demo', '--store', demo, '--no-serve');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/9 internet-reachable workload\(s\)/);
    }
    expect(existsSync(`${demo}.made-by-demo`)).toBe(true);
  });
});
