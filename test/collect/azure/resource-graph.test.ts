/**
 * Resource Graph answers that cannot be paged: a truncated answer is never
 * taken for the whole scope. The collector asks again on smaller scopes, and
 * a scope still truncated is a failure that keeps ingest from cleaning it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syntheticState } from '../../support/fake-azure/index.js';
import { type FakeTenant, startFakeTenant } from '../../support/fake-tenant.js';
import { runCli } from '../../helpers/cli.js';
import { scratchFolder } from '../../helpers/scratch.js';

const scratch = scratchFolder();
let tenant: FakeTenant | undefined;
vi.setConfig({ testTimeout: 60_000 });
afterEach(async () => {
  vi.unstubAllEnvs();
  await tenant?.close();
});

async function collectTruncated(resources: number): Promise<{ code: number; problems: Array<{ scope: string; family: string; kind: string; reason: string }>; out: string }> {
  const state = syntheticState({ subscriptions: 2, resources });
  state.resourceGraphWithoutSkipTokens = true;
  tenant = await startFakeTenant(state);
  for (const [name, value] of Object.entries(tenant.env)) if (name !== 'NODE_EXTRA_CA_CERTS') vi.stubEnv(name, value);
  const out = path.join(scratch.root, 'snapshot');
  const run = await runCli('collect', 'azure', '--out', out, '--no-entra', '--json');
  return { code: run.code, problems: JSON.parse(run.stdout).problems, out };
}

describe('Resource Graph truncation', () => {
  it('asks again per subscription when the tenant-wide answer is truncated, and is complete when those fit', async () => {
    const run = await collectTruncated(1500);
    expect(run.code).toBe(0);
    expect(run.problems).toEqual([]);
    const manifest = JSON.parse(await readFile(path.join(run.out, 'manifest.json'), 'utf8'));
    const subscriptions = manifest.scopes.filter((scope: { scope: string }) => /^\/subscriptions\/[^/]+$/.test(scope.scope));
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions.reduce((sum: number, scope: { counts: Record<string, number> }) => sum + Object.values(scope.counts).reduce((a, b) => a + b, 0), 0)).toBeGreaterThanOrEqual(1500);
  });

  it('marks a subscription whose answer is still truncated as failed, never as complete', async () => {
    const run = await collectTruncated(2500);
    expect(run.code).toBe(1);
    const truncated = run.problems.filter((problem) => /truncated the answer/.test(problem.reason));
    expect(new Set(truncated.map((problem) => problem.scope)).size).toBe(2);
    expect(truncated.every((problem) => problem.kind === 'error')).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(run.out, 'manifest.json'), 'utf8'));
    for (const scope of manifest.scopes.filter((entry: { scope: string }) => /^\/subscriptions\/[^/]+$/.test(entry.scope))) {
      expect(scope.failed).toContain('virtualMachines');
      expect(scope.complete).not.toContain('virtualMachines');
    }
  });
});
