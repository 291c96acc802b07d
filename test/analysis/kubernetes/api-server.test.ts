import { describe, expect, it } from 'vitest';
import { CLUSTER_ID, ClusterBuilder, exposureOfGraph } from '../../helpers/kubernetes-graph.js';

describe('AKS API server exposure', () => {
  it('a public API server without authorized ranges is reachable from anywhere on tcp/443', () => {
    const asset = exposureOfGraph(new ClusterBuilder().graph()).get(CLUSTER_ID);
    expect(asset).toMatchObject({ kind: 'ManagedCluster', width: 'wide', ports: [{ protocol: 'tcp', from: 443, to: 443 }], path: ['internet', CLUSTER_ID] });
    expect(asset?.entryPoints).toEqual([
      expect.objectContaining({ type: 'api-server', address: 'aks-dns-12345678.hcp.westeurope.azmk8s.io', sources: ['*'], width: 'wide' }),
    ]);
  });

  it('authorized IP ranges make it narrow', () => {
    const asset = exposureOfGraph(new ClusterBuilder({ authorizedIpRanges: ['198.51.100.0/24', '203.0.113.7/32'] }).graph()).get(CLUSTER_ID);
    expect(asset?.width).toBe('narrow');
    expect(asset?.entryPoints[0]?.sources).toEqual(['198.51.100.0/24', '203.0.113.7/32']);
    expect(asset?.entryPoints[0]?.decidedBy).toEqual(['authorizedIpRanges']);
  });

  it('an authorized range of 0.0.0.0/0 keeps it wide', () => {
    const asset = exposureOfGraph(new ClusterBuilder({ authorizedIpRanges: ['198.51.100.0/24', '0.0.0.0/0'] }).graph()).get(CLUSTER_ID);
    expect(asset?.width).toBe('wide');
  });

  it('authorized ranges that are all private addresses admit no internet client', () => {
    expect(exposureOfGraph(new ClusterBuilder({ authorizedIpRanges: ['10.0.0.0/8'] }).graph()).has(CLUSTER_ID)).toBe(false);
  });

  it('a private cluster API server is not exposed', () => {
    expect(exposureOfGraph(new ClusterBuilder({ privateCluster: true }).graph()).has(CLUSTER_ID)).toBe(false);
  });
});
