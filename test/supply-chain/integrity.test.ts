import { describe, expect, it } from 'vitest';
import { checkIntegrity, explicitTag, type IntegrityFinding, isTrusted, parseRegistryList } from '../../src/supply-chain/integrity.js';
import { container, digest, exposedWorkload, exposure, running, SupplyChainGraph, tcp } from '../helpers/supply-chain-graph.js';
import { C, D, estate } from './estate.js';

const brief = (finding: IntegrityFinding) => `${finding.severity} ${finding.rule} ${finding.namespace}/${finding.workloadName}/${finding.container}`;

describe('integrity over the estate, default trust', () => {
  const { graph, report, ids } = estate();
  const result = checkIntegrity(graph, report);

  it('trusts the snapshot ACRs (loginServer, else <name>.azurecr.io) plus mcr.microsoft.com by default', () => {
    expect(result.trustedRegistries).toEqual(['contosoacr.azurecr.io', 'mcr.microsoft.com', 'sharedacr.azurecr.io']);
    expect(result.trustedRegistriesSource).toBe('snapshot');
    expect(result.derivedLoginServers).toEqual(['contosoacr.azurecr.io']);
  });

  it('finds each rule, most severe first, exposed workloads one step higher', () => {
    expect(result.findings.map(brief)).toEqual([
      'critical digest-mismatch shop/api/api',
      'high untrusted-registry shop/api/api',
      'medium untrusted-registry tools/debug/debug',
      'medium untrusted-registry tools/debug/shell',
      'medium unknown-registry default/oneoff/oneoff',
      'medium mutable-tag shop/web/web',
      'medium mutable-tag tools/debug/debug',
      'medium mutable-tag tools/debug/shell',
      'low mutable-tag staging/web/web',
    ]);
    expect(result.summary).toEqual({
      findings: 9,
      byRule: { 'digest-mismatch': 1, 'untrusted-registry': 3, 'unknown-registry': 1, 'mutable-tag': 4 },
      bySeverity: { critical: 1, high: 1, medium: 6, low: 1 },
    });
  });

  it('gives every finding the documented fields', () => {
    for (const finding of result.findings) {
      expect(finding).toEqual(
        expect.objectContaining({
          rule: expect.any(String),
          severity: expect.any(String),
          workloadId: expect.any(String),
          namespace: expect.any(String),
          container: expect.any(String),
          image: expect.any(String),
          message: expect.any(String),
          exposed: expect.any(Boolean),
        }),
      );
    }
  });

  it('digest-mismatch: the pinned digest, what runs instead and on which pods', () => {
    const mismatch = result.findings.find((finding) => finding.rule === 'digest-mismatch')!;
    expect(mismatch).toMatchObject({
      workloadId: ids.api,
      exposed: true,
      image: `ghcr.io/contoso/api@${C}`,
      specDigest: C,
      runningDigests: [D],
      pods: ['api-0', 'api-1'],
    });
    expect(mismatch.message).toContain(C);
    expect(mismatch.message).toContain(D);
  });

  it('mutable-tag calls out :latest and a missing tag, and a plain tag more mildly', () => {
    const tags = result.findings.filter((finding) => finding.rule === 'mutable-tag');
    expect(tags.find((finding) => finding.container === 'shell')!.message).toMatch(/:latest tag/);
    expect(tags.find((finding) => finding.container === 'debug')!.message).toMatch(/no tag/);
    const staging = tags.find((finding) => finding.namespace === 'staging')!;
    expect(staging).toMatchObject({ severity: 'low', exposed: false });
    expect(staging.message).toMatch(/tag :1\.4\.2 only/);
  });

  it('unknown-registry for a spec that names only an image id; no mutable-tag for it', () => {
    const oneoff = result.findings.filter((finding) => finding.workloadId === ids.oneoff);
    expect(oneoff.map((finding) => finding.rule)).toEqual(['unknown-registry']);
    expect(oneoff[0]!.message).toMatch(/only an image id/);
  });

  it("judges a Deployment's ReplicaSets through the Deployment: no findings for rollout history", () => {
    expect(result.findings.filter((finding) => finding.workloadId === ids.oldReplicaSet)).toEqual([]);
    expect(result.findings.some((finding) => finding.image.includes(':1.3.0'))).toBe(false);
  });

  it('no finding for pinned images from trusted registries, nor for a digest known only from the spec', () => {
    expect(result.findings.filter((finding) => finding.workloadId === ids.agent)).toEqual([]);
    expect(result.findings.filter((finding) => finding.container === 'proxy')).toEqual([]);
  });
});

describe('trusted registries', () => {
  const { graph, report } = estate();

  it('--trusted-registry replaces the defaults (repeatable, comma-separated, case-insensitive)', () => {
    const result = checkIntegrity(graph, report, { trustedRegistries: ['GHCR.io', 'docker.io,contosoacr.azurecr.io'], env: 'ignored.example.com' });
    expect(result.trustedRegistriesSource).toBe('option');
    expect(result.trustedRegistries).toEqual(['contosoacr.azurecr.io', 'docker.io', 'ghcr.io']);
    const untrusted = result.findings.filter((finding) => finding.rule === 'untrusted-registry');
    // mcr.microsoft.com and the sharedacr ACR are no longer trusted; ghcr.io and docker.io are.
    expect(untrusted.map((finding) => `${finding.severity} ${finding.registry} ${finding.container}`)).toEqual([
      'high mcr.microsoft.com proxy',
      'medium sharedacr.azurecr.io agent',
    ]);
  });

  it('REACHGRAPH_TRUSTED_REGISTRIES applies when no option is given', () => {
    const result = checkIntegrity(graph, report, { env: ' *.azurecr.io , mcr.microsoft.com ' });
    expect(result.trustedRegistriesSource).toBe('env');
    expect(result.trustedRegistries).toEqual(['*.azurecr.io', 'mcr.microsoft.com']);
    expect(result.derivedLoginServers).toEqual([]);
    expect(result.findings.filter((finding) => finding.rule === 'untrusted-registry').map((finding) => finding.registry)).toEqual([
      'ghcr.io',
      'docker.io',
      'docker.io',
    ]);
  });

  it('matches hosts exactly, wildcards by subdomain, and Docker Hub by any alias', () => {
    expect(isTrusted('contosoacr.azurecr.io', ['*.azurecr.io'])).toBe(true);
    expect(isTrusted('azurecr.io', ['*.azurecr.io'])).toBe(false);
    expect(isTrusted('evilazurecr.io', ['*.azurecr.io'])).toBe(false);
    expect(isTrusted('contosoacr.azurecr.io.evil.com', ['contosoacr.azurecr.io'])).toBe(false);
    expect(isTrusted('index.docker.io', ['docker.io'])).toBe(true);
    expect(parseRegistryList(['https://MyAcr.azurecr.io/', undefined, ' , '])).toEqual(['myacr.azurecr.io']);
  });

  it('without any ACR in the snapshot only mcr.microsoft.com is trusted', () => {
    const g = new SupplyChainGraph();
    g.cluster('c1');
    g.deployment({ cluster: 'c1', namespace: 'ns', name: 'app', containers: [container('app', 'myacr.azurecr.io/app@' + digest('1'))], digests: { app: digest('1') } });
    const result = checkIntegrity(g.graph(), exposure());
    expect(result.trustedRegistries).toEqual(['mcr.microsoft.com']);
    expect(result.findings.map((finding) => finding.rule)).toEqual(['untrusted-registry']);
  });
});

describe('integrity rules one at a time', () => {
  function single(image: string, runningDigest: string | null, exposed = false, specOverride?: Partial<Parameters<typeof container>[2]>) {
    const g = new SupplyChainGraph();
    g.cluster('c1');
    g.acr('trusted', 'trusted.azurecr.io');
    const record = container('app', image, specOverride);
    const id = g.workload({ cluster: 'c1', namespace: 'ns', name: 'app', containers: [record] });
    g.pod({ cluster: 'c1', namespace: 'ns', name: 'app-0', owner: id, containers: [runningDigest ? running(record, runningDigest) : record] });
    return checkIntegrity(g.graph(), exposed ? exposure(exposedWorkload(id, 'wide', [tcp(80)])) : exposure()).findings;
  }

  it('digest-mismatch only when the running digest differs from the pinned one', () => {
    expect(single(`trusted.azurecr.io/app@${digest('1')}`, digest('1'))).toEqual([]);
    expect(single(`trusted.azurecr.io/app@${digest('1')}`, digest('2')).map(brief)).toEqual(['high digest-mismatch ns/app/app']);
    expect(single(`trusted.azurecr.io/app@${digest('1')}`, digest('2'), true).map(brief)).toEqual(['critical digest-mismatch ns/app/app']);
    // Not pinned: a different digest is expected, the tag is the finding.
    expect(single('trusted.azurecr.io/app:2.0', digest('2')).map(brief)).toEqual(['low mutable-tag ns/app/app']);
    // Not running: nothing to compare.
    expect(single(`trusted.azurecr.io/app@${digest('1')}`, null)).toEqual([]);
  });

  it('a local image id never counts as a mismatch', () => {
    const g = new SupplyChainGraph();
    g.cluster('c1');
    g.acr('trusted', 'trusted.azurecr.io');
    const record = container('app', `trusted.azurecr.io/app@${digest('1')}`);
    g.pod({ cluster: 'c1', namespace: 'ns', name: 'bare', containers: [running(record, digest('8'), 'image-id')] });
    expect(checkIntegrity(g.graph(), exposure()).findings).toEqual([]);
  });

  it('untrusted-registry, raised when exposed', () => {
    expect(single(`quay.io/team/app@${digest('1')}`, digest('1')).map(brief)).toEqual(['medium untrusted-registry ns/app/app']);
    expect(single(`quay.io/team/app@${digest('1')}`, digest('1'), true).map(brief)).toEqual(['high untrusted-registry ns/app/app']);
  });

  it('unknown-registry when the loader resolved none', () => {
    expect(single(`app@${digest('1')}`, digest('1'), false, { registry: '' }).map(brief)).toEqual(['medium unknown-registry ns/app/app']);
  });

  it('mutable-tag severities: a plain tag low, :latest and no tag medium; exposed one step higher', () => {
    expect(single('trusted.azurecr.io/app:1.0', null).map(brief)).toEqual(['low mutable-tag ns/app/app']);
    expect(single('trusted.azurecr.io/app:latest', null).map(brief)).toEqual(['medium mutable-tag ns/app/app']);
    expect(single('trusted.azurecr.io/app', null).map(brief)).toEqual(['medium mutable-tag ns/app/app']);
    expect(single('trusted.azurecr.io/app', null, true).map(brief)).toEqual(['high mutable-tag ns/app/app']);
    expect(single('trusted.azurecr.io/app:1.0@' + digest('1'), digest('1'))).toEqual([]);
  });

  it('reads the tag a reference spells out', () => {
    expect(explicitTag('nginx')).toBeNull();
    expect(explicitTag('nginx:1.25')).toBe('1.25');
    expect(explicitTag('localhost:5000/tool')).toBeNull();
    expect(explicitTag('localhost:5000/tool:2')).toBe('2');
    expect(explicitTag(`repo:tag@${digest('1')}`)).toBe('tag');
  });
});
