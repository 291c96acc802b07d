import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analysisResultsFor } from '../../src/analysis/attack-paths.js';
import { computeExposure, type ExposureReport } from '../../src/analysis/exposure.js';
import { loadSnapshot } from '../../src/load/ingest.js';
import {
  contosoExpectedAttackPaths,
  contosoExpectedExposure,
  contosoExpectedKubernetesExposure,
  contosoExpectedKubernetesSeverity,
  contosoExpectedPaths,
  contosoExpectedSeverity,
  contosoIds,
  contosoKubernetesNotExposed,
  contosoNotExposed,
} from '../fixtures/contoso-expected.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** Runs the built CLI exactly as a user would (`npm test` builds dist/ before vitest). */
async function reachgraph(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [path.join(root, 'bin/reachgraph.js'), ...args], { cwd: root });
}

const VIA_TYPE = { PublicIPAddress: 'public-ip', LoadBalancer: 'load-balancer', ApplicationGateway: 'application-gateway' } as const;

describe('the Contoso sample estate, end to end through the CLI', () => {
  let report: ExposureReport;
  beforeAll(async () => {
    const { stdout } = await reachgraph('exposure', 'examples/contoso', '--json');
    report = JSON.parse(stdout) as ExposureReport;
  });

  it('exposure --json lists exactly the expected workloads, ports and widths', () => {
    const actual = report.assets.map(({ id, kind, width, ports }) => ({ id, kind, width, ports }));
    const expected = [...contosoExpectedExposure, ...contosoExpectedKubernetesExposure].sort((a, b) => a.id.localeCompare(b.id));
    expect(actual).toEqual(expected);
  });

  it('every path starts at internet and ends at the asset', () => {
    for (const asset of report.assets) {
      expect(asset.path[0]).toBe('internet');
      expect(asset.path.at(-1)).toBe(asset.id);
    }
  });

  it('workloads whose NSGs close every way in are absent (public IP alone is not exposure)', () => {
    const ids = new Set(report.assets.map((asset) => asset.id));
    for (const id of [...contosoNotExposed, ...contosoKubernetesNotExposed.map((entry) => entry.id)]) expect(ids.has(id), id).toBe(false);
  });

  it('every way in is explained with its entry, client ports, backend ports and width', () => {
    for (const expected of contosoExpectedPaths) {
      const asset = report.assets.find((candidate) => candidate.id === expected.workload);
      const match = asset?.entryPoints.find(
        (entry) =>
          entry.type === VIA_TYPE[expected.via] &&
          (expected.via === 'PublicIPAddress' ? entry.publicIpId === expected.entry : entry.forwarder?.startsWith(`${expected.entry}/`)) &&
          (expected.via === 'PublicIPAddress' || (entry.frontendPorts?.from === expected.frontend.from && entry.frontendPorts?.to === expected.frontend.to)) &&
          entry.ports.some(
            (port) => port.protocol === expected.protocol && port.width === expected.width && port.from <= expected.backend.from && expected.backend.to <= port.to,
          ),
      );
      expect(match, `${expected.workload} via ${expected.via} ${expected.protocol}/${expected.backend.from}`).toBeDefined();
    }
  });

  it('ingest into a store, then exposure from the store, gives the same report', async () => {
    const store = path.join(await import('node:os').then((os) => os.tmpdir()), `reachgraph-e2e-${process.pid}.json`);
    await reachgraph('ingest', 'examples/contoso', '--store', store);
    const { stdout } = await reachgraph('exposure', '--store', store, '--json');
    expect(JSON.parse(stdout)).toEqual(report);
    await import('node:fs/promises').then((fs) => fs.rm(store, { force: true }));
  });
});

describe('the Contoso sample estate: attack paths and severity', () => {
  it('analysisResultsFor yields exactly the expected attack paths, with their severities', async () => {
    const { graph, summary } = await loadSnapshot(path.join(root, 'examples/contoso'));
    const results = analysisResultsFor(graph, computeExposure(graph));

    const actual = results.attackPaths.map((attackPath) => ({
      entry: attackPath.entryId,
      target: attackPath.targetId,
      role: attackPath.properties.roleName,
      privilege: attackPath.properties.privilege,
      identity: attackPath.properties.identityId,
      severity: attackPath.properties.severity,
      score: attackPath.properties.score,
    }));
    const order = (a: { entry: string; target: string }, b: { entry: string; target: string }) => a.entry.localeCompare(b.entry) || a.target.localeCompare(b.target);
    expect([...actual].sort(order)).toEqual([...contosoExpectedAttackPaths].sort(order));

    // Every hop is a node of the graph, and a path runs internet → … → entry → identity → scope → … → target.
    const nodes = new Set(graph.nodes.map((node) => node.id));
    for (const attackPath of results.attackPaths) {
      expect(attackPath.hops[0]).toBe('internet');
      expect(attackPath.hops.at(-1)).toBe(attackPath.targetId);
      expect(attackPath.hops[attackPath.hops.indexOf(attackPath.entryId) + 1]).toBe(attackPath.properties.identityId);
      for (const hop of attackPath.hops) expect(nodes.has(hop), hop).toBe(true);
    }
    const jumpToVault = results.attackPaths.find((item) => item.entryId === contosoIds.vmJump01 && item.targetId === contosoIds.kvProd);
    expect(jumpToVault?.hops).toEqual([
      'internet',
      contosoIds.pipJump01,
      contosoIds.pipJump01.replace('publicipaddresses/pip-vm-jump-01', 'networkinterfaces/nic-vm-jump-01'),
      contosoIds.vmJump01,
      `${contosoIds.vmJump01}/providers/microsoft.managedidentity/identities/default`,
      contosoIds.subProd,
      contosoIds.rgProdData,
      contosoIds.kvProd,
    ]);

    // Every workload is analysed, with the expected severity factors.
    const assets = Object.fromEntries(
      results.assets.map((asset) => [
        asset.id,
        {
          severity: asset.properties.severity,
          severityScore: asset.properties.severityScore,
          factorIdentityPrivilege: asset.properties.factorIdentityPrivilege,
          factorCrownJewelsReachable: asset.properties.factorCrownJewelsReachable,
          factorAdminPortsExposed: asset.properties.factorAdminPortsExposed,
        },
      ]),
    );
    expect(assets).toEqual({ ...contosoExpectedSeverity, ...contosoExpectedKubernetesSeverity });

    // The one assignment to a user is reported, not followed; nothing else is amiss.
    expect(summary.warnings).toEqual([
      { subject: 'microsoft.authorization/roleassignments', message: expect.stringMatching(/^1 role assignment names a principal that is not a managed identity in this snapshot \(User 1\)/) },
    ]);
    expect(summary.danglingReferences).toBe(0);
  });
});
