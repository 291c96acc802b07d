import { describe, expect, it } from 'vitest';
import { referencedImages, runningImages } from '../../src/supply-chain/running-images.js';
import { container, digest, exposedWorkload, exposure, running, SupplyChainGraph, tcp } from '../helpers/supply-chain-graph.js';
import { A, B, D, E, estate, F, G, LOCAL_ID } from './estate.js';

describe('running images', () => {
  const { graph, report, ids } = estate();
  const result = runningImages(graph, report);
  const byDigest = new Map(result.images.map((image) => [image.digest, image]));

  it('lists each running digest once, exposed first (wide before narrow), then by how many places and pods run it', () => {
    // A: wide, 2 workloads · B: wide, 1 workload · D: narrow · F: 2 pods · G (alpine), E (busybox): 1 pod each, by name.
    expect(result.images.map((image) => image.digest)).toEqual([A, B, D, F, G, E]);
    expect(result.images.map((image) => image.exposure?.width ?? null)).toEqual(['wide', 'wide', 'narrow', null, null, null]);
  });

  it('gives each digest its registry, repository, tags and every location with replicas, pods and containers', () => {
    const web = byDigest.get(A)!;
    expect(web).toMatchObject({
      image: `contosoacr.azurecr.io/shop/web@${A}`,
      registry: 'contosoacr.azurecr.io',
      repository: 'shop/web',
      tags: ['1.4.2'],
      aliases: [],
      exposed: true,
    });
    expect(web.locations).toEqual([
      expect.objectContaining({
        subscriptionId: '00000000-0000-0000-0000-00000000c0de',
        clusterId: ids.cluster,
        clusterName: 'aks-prod',
        namespace: 'shop',
        workloadId: ids.web,
        workloadKind: 'Deployment',
        workloadName: 'web',
        replicas: 3,
        pods: 3,
        containers: ['web'],
        exposed: true,
      }),
      expect.objectContaining({ namespace: 'staging', workloadId: ids.stagingWeb, replicas: 1, pods: 1, exposed: false, exposure: null }),
    ]);
    expect(web.exposure).toEqual({
      width: 'wide',
      ports: [{ protocol: 'tcp', from: 443, to: 443 }],
      pathIds: ['internet', '/subscriptions/x/pip-web', '/subscriptions/x/lb-kubernetes', ids.web],
      attackPathIds: [],
    });
  });

  it('keeps a DaemonSet without replicas as null, and digests taken from the spec', () => {
    expect(byDigest.get(F)!.locations).toEqual([expect.objectContaining({ workloadKind: 'DaemonSet', replicas: null, pods: 2 })]);
  });

  it('ORs the security context over the containers running the digest', () => {
    expect(byDigest.get(B)!.security).toEqual({
      privileged: false,
      runsAsRoot: true,
      hostNetwork: false,
      hostPath: false,
      allowPrivilegeEscalation: false,
      addedCapabilities: ['NET_ADMIN'],
    });
    expect(byDigest.get(E)!.security).toEqual({
      privileged: true,
      runsAsRoot: true,
      hostNetwork: true,
      hostPath: true,
      allowPrivilegeEscalation: true,
      addedCapabilities: [],
    });
    expect(byDigest.get(A)!.security.runsAsRoot).toBe(false);
  });

  it('reports containers without a registry digest apart instead of dropping them', () => {
    expect(result.unresolved).toEqual([
      expect.objectContaining({ podId: ids.pendingPod, container: 'proxy', reason: 'not-running', phase: 'Pending', workloadId: ids.web, exposed: true }),
      expect.objectContaining({ podId: ids.pendingPod, container: 'web', reason: 'not-running', phase: 'Pending', imageId: null }),
      expect.objectContaining({ podId: ids.oneoff, container: 'oneoff', reason: 'image-id-only', imageId: LOCAL_ID, workloadKind: 'Pod', exposed: false }),
    ]);
    expect(result.images.some((image) => image.digest === LOCAL_ID)).toBe(false);
  });

  it('lists the attack paths analysis wrote from an exposed workload', () => {
    const withPaths = estate();
    withPaths.graph.nodes.push({ id: 'attackpath:0123456789abcdef', kind: 'AttackPath', properties: {} });
    withPaths.graph.edges.push({ source: 'attackpath:0123456789abcdef', target: withPaths.ids.web, kind: 'STARTS_AT', properties: {} });
    const images = runningImages(withPaths.graph, withPaths.report).images;
    expect(images[0]!.exposure?.attackPathIds).toEqual(['attackpath:0123456789abcdef']);
    expect(images[0]!.locations[0]!.exposure?.attackPathIds).toEqual(['attackpath:0123456789abcdef']);
  });

  it('folds one digest pushed to two repositories into one image with an alias', () => {
    const g = new SupplyChainGraph();
    g.cluster('c1');
    const x = digest('1');
    g.deployment({ cluster: 'c1', namespace: 'a', name: 'one', replicas: 2, containers: [container('app', 'reg1.azurecr.io/app:1')], digests: { app: x } });
    g.deployment({ cluster: 'c1', namespace: 'b', name: 'two', replicas: 1, containers: [container('app', 'mirror.example.com/app:1')], digests: { app: x } });
    const [image, ...rest] = runningImages(g.graph(), exposure()).images;
    expect(rest).toEqual([]);
    expect(image).toMatchObject({ image: `reg1.azurecr.io/app@${x}`, aliases: [`mirror.example.com/app@${x}`], tags: ['1'] });
    expect(image!.locations.map((location) => location.workloadName)).toEqual(['one', 'two']);
  });

  it('ranks by exposure before breadth: a narrow image in one place comes before an unexposed one everywhere', () => {
    const g = new SupplyChainGraph();
    g.cluster('c1');
    const everywhere = digest('2');
    const narrow = digest('3');
    for (const ns of ['a', 'b', 'c']) g.deployment({ cluster: 'c1', namespace: ns, name: 'common', containers: [container('app', 'r.azurecr.io/common:1')], digests: { app: everywhere } });
    const exposedId = g.deployment({ cluster: 'c1', namespace: 'd', name: 'edge', containers: [container('app', 'r.azurecr.io/edge:1')], digests: { app: narrow } });
    const images = runningImages(g.graph(), exposure(exposedWorkload(exposedId, 'narrow', [tcp(80)]))).images;
    expect(images.map((image) => image.digest)).toEqual([narrow, everywhere]);
  });

  it('counts a bare pod as its own location', () => {
    const g = new SupplyChainGraph();
    g.cluster('c1');
    const x = digest('4');
    g.pod({ cluster: 'c1', namespace: 'ns', name: 'lonely', containers: [running(container('app', 'r.azurecr.io/lonely:2'), x)] });
    const [image] = runningImages(g.graph(), exposure()).images;
    expect(image!.locations).toEqual([expect.objectContaining({ workloadKind: 'Pod', workloadName: 'lonely', replicas: null, pods: 1 })]);
  });
});

describe('referenced images (images without --running)', () => {
  const { graph, report } = estate();
  const { images } = referencedImages(graph, report);
  const byReference = new Map(images.map((image) => [image.reference, image]));

  it('lists every spec reference and flags which run, with the digests they run', () => {
    expect(byReference.get('contosoacr.azurecr.io/shop/web:1.4.2')).toMatchObject({ running: true, runningDigests: [A], exposed: true });
    expect(byReference.get(`ghcr.io/contoso/api@${digest('c')}`)).toMatchObject({ running: true, runningDigests: [D], exposed: true });
    expect(byReference.get('docker.io/library/busybox:latest')).toMatchObject({ running: true, runningDigests: [E], exposed: false });
    // It runs, but the runtime reported only a local image id.
    expect(byReference.get(LOCAL_ID)).toMatchObject({ running: true, runningDigests: [] });
    expect(byReference.get(`contosoacr.azurecr.io/shop/legacy@${digest('1')}`)).toMatchObject({ running: false, runningDigests: [], exposed: false });
  });

  it("leaves out an owned ReplicaSet's old template (rollout history)", () => {
    expect(byReference.has('contosoacr.azurecr.io/shop/web:1.3.0')).toBe(false);
    expect(images.flatMap((image) => image.locations).some((location) => location.workloadKind === 'ReplicaSet')).toBe(false);
  });

  it('lists a referenced image nothing runs', () => {
    const g = new SupplyChainGraph();
    g.cluster('c1');
    g.workload({ cluster: 'c1', namespace: 'ns', name: 'scaled-to-zero', replicas: 0, containers: [container('app', 'r.azurecr.io/idle:3')] });
    const referenced = referencedImages(g.graph(), exposure()).images;
    expect(referenced).toEqual([expect.objectContaining({ reference: 'r.azurecr.io/idle:3', running: false, locations: [expect.objectContaining({ workloadName: 'scaled-to-zero' })] })]);
    expect(runningImages(g.graph(), exposure()).images).toEqual([]);
  });

  it('puts exposed references first, then running ones', () => {
    expect(images.slice(0, 3).every((image) => image.exposed)).toBe(true);
    expect(images.at(-1)!.running).toBe(false);
    const firstIdle = images.findIndex((image) => !image.running);
    expect(firstIdle).toBeGreaterThan(2);
    expect(images.slice(firstIdle).every((image) => !image.running)).toBe(true);
  });
});
