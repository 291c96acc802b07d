import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { buildBom, purlTag } from '../../src/supply-chain/bom.js';
import { componentProperties, locationLabel, toCycloneDxJson, validateCycloneDx } from '../../src/supply-chain/cyclonedx.js';
import { ociPurl } from '../../src/supply-chain/image-ref.js';
import { container, digest, exposure, SupplyChainGraph } from '../helpers/supply-chain-graph.js';
import { A, B, D, E, estate, F, G } from './estate.js';

const SUB = '00000000-0000-0000-0000-00000000c0de';

describe('pkg:oci package URLs', () => {
  it('encodes the digest colon, keeps repository_url readable, sorts qualifiers and lowercases the name', () => {
    expect(ociPurl({ registry: 'contosoacr.azurecr.io', repository: 'Shop/Web', digest: A, tag: '1.4.2' })).toBe(
      `pkg:oci/web@sha256%3A${'a'.repeat(64)}?repository_url=contosoacr.azurecr.io/shop/web&tag=1.4.2`,
    );
    expect(ociPurl({ registry: 'docker.io', repository: 'library/debian', digest: B, tag: 'latest' })).toBe(
      `pkg:oci/debian@sha256%3A${'b'.repeat(64)}?repository_url=docker.io/library/debian&tag=latest`,
    );
  });

  it('leaves out unknown qualifiers and percent-encodes what needs it', () => {
    expect(ociPurl({ registry: '', repository: 'app', digest: A })).toBe(`pkg:oci/app@sha256%3A${'a'.repeat(64)}`);
    expect(ociPurl({ registry: 'localhost:5000', repository: 'tools/app', digest: A, tag: 'v1+build' })).toBe(
      `pkg:oci/app@sha256%3A${'a'.repeat(64)}?repository_url=localhost:5000/tools/app&tag=v1%2Bbuild`,
    );
  });

  it('parses back to the same parts with the reference purl implementation', () => {
    const purl = PackageURL.fromString(ociPurl({ registry: 'myacr.azurecr.io', repository: 'team/api', digest: C(), tag: 'v2.0.1' }));
    expect(purl.type).toBe('oci');
    expect(purl.namespace ?? null).toBeNull();
    expect(purl.name).toBe('api');
    expect(purl.version).toBe(C());
    expect(purl.qualifiers).toEqual({ repository_url: 'myacr.azurecr.io/team/api', tag: 'v2.0.1' });
  });

  it('prefers a non-latest tag for the purl', () => {
    expect(purlTag(['1.0', 'latest'])).toBe('1.0');
    expect(purlTag(['latest'])).toBe('latest');
    expect(purlTag([])).toBeNull();
  });
});

function C(): string {
  return digest('c');
}

describe('Cloud BOM (json)', () => {
  const { graph, report, ids } = estate();
  const bom = buildBom(graph, report, '1.2.3-test');
  const byDigest = new Map(bom.images.map((image) => [image.digest, image]));

  it('has one entry per running digest, sorted by image, with purl and a stable bom-ref', () => {
    expect(bom.tool).toEqual({ name: 'reachgraph', version: '1.2.3-test' });
    expect(bom.images.map((image) => image.image)).toEqual([
      `contosoacr.azurecr.io/shop/web@${A}`,
      `docker.io/library/alpine@${G}`,
      `docker.io/library/busybox@${E}`,
      `ghcr.io/contoso/api@${D}`,
      `mcr.microsoft.com/oss/nginx/nginx@${B}`,
      `sharedacr.azurecr.io/platform/agent@${F}`,
    ]);
    expect(byDigest.get(A)).toMatchObject({
      purl: `pkg:oci/web@sha256%3A${'a'.repeat(64)}?repository_url=contosoacr.azurecr.io/shop/web&tag=1.4.2`,
      bomRef: `image:contosoacr.azurecr.io/shop/web@${A}`,
    });
    expect(buildBom(graph, report, '1.2.3-test')).toEqual(bom);
  });

  it('lists every deployment location with subscription, cluster, namespace, workload, replicas and its own exposure', () => {
    expect(byDigest.get(A)!.locations).toEqual([
      {
        subscriptionId: SUB,
        clusterId: ids.cluster,
        clusterName: 'aks-prod',
        namespace: 'shop',
        workloadId: ids.web,
        workloadKind: 'Deployment',
        workloadName: 'web',
        replicas: 3,
        pods: 3,
        containers: ['web'],
        initContainers: [],
        exposed: true,
        exposure: {
          width: 'wide',
          ports: [{ protocol: 'tcp', from: 443, to: 443 }],
          pathIds: ['internet', '/subscriptions/x/pip-web', '/subscriptions/x/lb-kubernetes', ids.web],
          attackPathIds: [],
        },
        security: { privileged: false, runsAsRoot: false, hostNetwork: false, hostPath: false, allowPrivilegeEscalation: false, addedCapabilities: [] },
      },
      expect.objectContaining({ namespace: 'staging', workloadId: ids.stagingWeb, replicas: 1, pods: 1, exposed: false, exposure: null }),
    ]);
    expect(byDigest.get(D)!.exposure).toMatchObject({ width: 'narrow', ports: [{ protocol: 'tcp', from: 8080, to: 8080 }] });
  });

  it('keeps the containers it cannot list as components', () => {
    expect(bom.unresolved.map((item) => `${item.podName}/${item.container} ${item.reason}`)).toEqual([
      'web-pending/proxy not-running',
      'web-pending/web not-running',
      'oneoff/oneoff image-id-only',
    ]);
  });
});

describe('Cloud BOM (CycloneDX 1.6)', () => {
  const { graph, report } = estate();
  const bom = buildBom(graph, report, '1.2.3-test');
  const text = toCycloneDxJson(bom, { timestamp: new Date('2026-01-02T03:04:05.000Z'), serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79' });
  const document = JSON.parse(text) as {
    bomFormat: string;
    specVersion: string;
    serialNumber: string;
    metadata: { timestamp: string; tools: { components: Array<{ type: string; name: string; version: string }> }; lifecycles: unknown[]; properties: unknown[] };
    components: Array<{ type: string; name: string; version: string; 'bom-ref': string; purl: string; hashes: Array<{ alg: string; content: string }>; properties: Array<{ name: string; value: string }> }>;
  };

  it('validates against the CycloneDX 1.6 JSON schema', async () => {
    expect(await validateCycloneDx(text)).toBeNull();
  });

  it('fails validation for a broken document, so the check above means something', async () => {
    const broken = JSON.parse(text);
    broken.components[0].type = 'docker-image';
    expect(await validateCycloneDx(JSON.stringify(broken))).not.toBeNull();
    const badHash = JSON.parse(text);
    badHash.components[0].hashes[0].content = 'not-hex';
    expect(await validateCycloneDx(JSON.stringify(badHash))).not.toBeNull();
    const unknownField = JSON.parse(text);
    unknownField.components[0].replicas = 3;
    expect(await validateCycloneDx(JSON.stringify(unknownField))).not.toBeNull();
  });

  it('carries the document metadata: tool with version, timestamp, serial number, operations lifecycle', () => {
    expect(document).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79' });
    expect(document.metadata.timestamp).toBe('2026-01-02T03:04:05.000Z');
    expect(document.metadata.tools.components).toEqual([{ type: 'application', name: 'reachgraph', version: '1.2.3-test' }]);
    expect(document.metadata.lifecycles).toEqual([{ phase: 'operations' }]);
    expect(document.metadata.properties).toEqual([{ name: 'reachgraph:unresolved-containers', value: '3' }]);
  });

  it('has one container component per digest with purl, SHA-256 hash and the graph id as bom-ref', () => {
    expect(document.components).toHaveLength(6);
    const web = document.components.find((component) => component.version === A)!;
    expect(web).toMatchObject({
      type: 'container',
      name: 'contosoacr.azurecr.io/shop/web',
      'bom-ref': `image:contosoacr.azurecr.io/shop/web@${A}`,
      purl: `pkg:oci/web@sha256%3A${'a'.repeat(64)}?repository_url=contosoacr.azurecr.io/shop/web&tag=1.4.2`,
      hashes: [{ alg: 'SHA-256', content: 'a'.repeat(64) }],
    });
    expect(new Set(document.components.map((component) => component['bom-ref'])).size).toBe(6);
  });

  it('describes deployment context, exposure and security in reachgraph: properties', () => {
    const web = document.components.find((component) => component.version === A)!;
    const values = (name: string) => web.properties.filter((property) => property.name === name).map((property) => property.value);
    expect(values('reachgraph:location')).toEqual([`${SUB}/aks-prod/shop/Deployment/web`, `${SUB}/aks-prod/staging/Deployment/web`]);
    expect(values('reachgraph:location:replicas')).toEqual([`${SUB}/aks-prod/shop/Deployment/web=3`, `${SUB}/aks-prod/staging/Deployment/web=1`]);
    expect(values('reachgraph:replicas')).toEqual(['4']);
    expect(values('reachgraph:pods')).toEqual(['4']);
    expect(values('reachgraph:exposed')).toEqual(['true']);
    expect(values('reachgraph:exposure:width')).toEqual(['wide']);
    expect(values('reachgraph:exposure:ports')).toEqual(['tcp/443']);
    expect(values('reachgraph:exposure:location')).toEqual([`${SUB}/aks-prod/shop/Deployment/web`]);
    expect(values('reachgraph:exposure:path')[0]).toMatch(/^internet > /);
    expect(values('reachgraph:tag')).toEqual(['1.4.2']);
    expect(values('reachgraph:security:privileged')).toEqual(['false']);

    const proxy = document.components.find((component) => component.version === B)!;
    expect(proxy.properties).toEqual(expect.arrayContaining([
      { name: 'reachgraph:security:runsAsRoot', value: 'true' },
      { name: 'reachgraph:security:addedCapabilities', value: 'NET_ADMIN' },
    ]));
    const agent = document.components.find((component) => component.version === F)!;
    // A DaemonSet states no replicas: no replica count is made up for it.
    expect(agent.properties).toEqual(expect.arrayContaining([{ name: 'reachgraph:exposed', value: 'false' }, { name: 'reachgraph:pods', value: '2' }]));
    const names = agent.properties.map((property) => property.name);
    expect(names.filter((name) => name.startsWith('reachgraph:exposure:') || name.includes('replicas'))).toEqual([]);
  });

  it('uses only the property names documented in cyclonedx.ts', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('../../src/supply-chain/cyclonedx.ts', import.meta.url), 'utf8');
    const header = source.slice(0, source.indexOf('*/'));
    const names = new Set(bom.images.flatMap((image) => componentProperties(image).map(([name]) => name)));
    for (const name of names) expect(header).toContain(`${name} `);
  });

  it('labels locations subscription/cluster/namespace/kind/workload', () => {
    expect(locationLabel({ subscriptionId: null, clusterName: 'c', namespace: 'n', workloadKind: 'Pod', workloadName: 'p' })).toBe('unknown/c/n/Pod/p');
  });

  it('an empty estate is still a valid BOM', async () => {
    const g = new SupplyChainGraph();
    g.cluster('empty');
    g.workload({ cluster: 'empty', namespace: 'ns', name: 'idle', replicas: 0, containers: [container('app', 'r.azurecr.io/idle:1')] });
    const empty = toCycloneDxJson(buildBom(g.graph(), exposure(), '0.0.0'));
    expect(await validateCycloneDx(empty)).toBeNull();
    expect(JSON.parse(empty).components ?? []).toEqual([]);
  });
});
