/**
 * Smoke test over the bundled Contoso sample, once it carries a Kubernetes dump
 * (examples/contoso/kubernetes/<cluster>/*.json): the supply-chain commands run
 * over the real loader and exposure analysis, end to end.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { validateCycloneDx } from '../../src/supply-chain/cyclonedx.js';
import type { IntegrityReport } from '../../src/supply-chain/integrity.js';
import type { RunningImagesReport } from '../../src/supply-chain/running-images.js';

const CONTOSO = fileURLToPath(new URL('../../examples/contoso', import.meta.url));
const HAS_KUBERNETES = existsSync(`${CONTOSO}/kubernetes`);

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(`${parts.map(String).join(' ')}\n`));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(`${parts.map(String).join(' ')}\n`));
  try {
    const code = await main(['node', 'reachgraph', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe.skipIf(!HAS_KUBERNETES)('supply chain over examples/contoso', () => {
  it('images --running lists the running digests, each with a location', async () => {
    const result = await run('images', '--running', '--json', CONTOSO);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RunningImagesReport;
    expect(report.images.length).toBeGreaterThan(0);
    for (const image of report.images) {
      expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(image.locations.length).toBeGreaterThan(0);
    }
    // The sample exposes Kubernetes workloads: those images come first.
    const exposed = report.images.map((image) => image.exposed);
    expect(exposed[0]).toBe(true);
    expect(exposed).toEqual([...exposed].sort((a, b) => Number(b) - Number(a)));
    expect(Array.isArray(report.unresolved)).toBe(true);
  });

  it('bom --format cyclonedx --validate conforms to CycloneDX 1.6', async () => {
    const result = await run('bom', '--format', 'cyclonedx', '--validate', CONTOSO);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await validateCycloneDx(result.stdout)).toBeNull();
    expect(JSON.parse(result.stdout).components.length).toBeGreaterThan(0);
  });

  it('integrity runs and exits 0', async () => {
    const result = await run('integrity', '--json', CONTOSO);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as IntegrityReport;
    expect(report.trustedRegistries).toContain('mcr.microsoft.com');
  });
});
