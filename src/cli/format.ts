import type { ExposedAsset, ExposedPort } from '../analysis/exposure.js';
import type { LoadSummary } from '../load/ingest.js';
import type { GraphNode } from '../model/graph.js';

export function formatPorts(ports: readonly ExposedPort[]): string {
  return ports
    .map((port) => {
      if (port.protocol === 'icmp') return 'icmp';
      const range = port.from === port.to ? `${port.from}` : port.from === 0 && port.to === 65535 ? 'all' : `${port.from}-${port.to}`;
      return `${port.protocol}/${range}`;
    })
    .join(' ');
}

/** A plain-text table; the last column may run long. */
export function table(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((header, column) =>
    column === headers.length - 1 ? 0 : Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Short names for paths: Kubernetes objects keep their kind, because a service, an ingress and a workload often share a name. */
function shortName(id: string): string {
  const kubernetes = /\/k8s\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(id);
  if (kubernetes) return `${kubernetes[2]}/${kubernetes[3]}`;
  return id === 'internet' ? 'internet' : (id.split('/').pop() ?? id);
}

/** Kubernetes workloads are named within their namespace. */
function assetName(asset: ExposedAsset): string {
  const namespace = /\/k8s\/([^/]+)\//.exec(asset.id)?.[1];
  return namespace && namespace !== '_cluster' ? `${namespace}/${asset.name}` : asset.name;
}

export function formatExposure(assets: readonly ExposedAsset[]): string {
  if (assets.length === 0) return 'No workload is reachable from the internet.';
  const rows = assets.map((asset) => [assetName(asset), asset.kind, asset.width, formatPorts(asset.ports), asset.path.map(shortName).join(' → ')]);
  return `${table(['ASSET', 'KIND', 'WIDTH', 'PORTS', 'PATH'], rows)}\n\n${assets.length} internet-reachable workload(s).`;
}

export function formatLoadSummary(summary: LoadSummary): string {
  const lines = [
    `Loaded ${summary.snapshot} into ${summary.store}: ${summary.resources} resources from ${summary.files} files → ${summary.nodes} nodes, ${summary.edges} edges.`,
  ];
  const kinds = Object.entries(summary.nodesByKind).sort(([a], [b]) => a.localeCompare(b));
  lines.push(table(['KIND', 'NODES'], kinds.map(([kind, count]) => [kind, String(count)])));
  const unknown = Object.entries(summary.unknownTypes);
  if (unknown.length > 0) {
    lines.push(`\nKept as generic AzureResource nodes (types reachgraph does not model yet):`);
    for (const [type, count] of unknown.sort()) lines.push(`  ${type}: ${count}`);
  }
  if (summary.cleanup.length > 0) {
    lines.push(`\nRemoved what the snapshot no longer holds (generation ${summary.generation}):`);
    for (const record of summary.cleanup) lines.push(`  ${record.scope}: ${record.nodes} node(s), ${record.edges} edge(s)`);
  } else if (summary.cleanupNote) {
    lines.push(`\nNote: ${summary.cleanupNote}.`);
  }
  if (summary.duplicateResources > 0) lines.push(`\n${summary.duplicateResources} resource(s) appeared in more than one file; the last copy was kept.`);
  if (summary.warnings.length > 0) {
    lines.push(`\n${summary.warnings.length} warning(s):`);
    for (const warning of summary.warnings.slice(0, 20)) lines.push(`  ${warning.subject}: ${warning.message}`);
    if (summary.warnings.length > 20) lines.push(`  … and ${summary.warnings.length - 20} more (use --json for all)`);
  }
  if (summary.errors.length > 0) {
    lines.push(`\n${summary.errors.length} error(s); the rest of the snapshot was loaded:`);
    for (const error of summary.errors) lines.push(`  ${error.path}: ${error.message}`);
  }
  return lines.join('\n');
}

/** The current attack paths in a graph written by recompute, most severe first. */
export function formatAttackPaths(nodes: readonly GraphNode[]): string {
  const state = nodes.find((node) => node.kind === 'AnalysisState');
  const paths = nodes
    .filter((node) => node.kind === 'AttackPath' && node.properties.resultVersion === state?.properties.currentVersion)
    .sort((a, b) => Number(b.properties.score ?? 0) - Number(a.properties.score ?? 0) || a.id.localeCompare(b.id));
  if (paths.length === 0) return 'No attack path leads from an internet-exposed workload to a crown jewel.';
  const rows = paths.map((path) => [
    String(path.properties.severity ?? ''),
    String(path.properties.score ?? ''),
    String(path.properties.entryName ?? ''),
    String(path.properties.roleName ?? ''),
    String(path.properties.targetName ?? ''),
  ]);
  return `${table(['SEVERITY', 'SCORE', 'FROM', 'ROLE', 'TO'], rows)}\n\n${paths.length} attack path(s) from the internet to crown jewels.`;
}
