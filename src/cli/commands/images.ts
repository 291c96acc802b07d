import type { Command } from 'commander';
import { computeExposure, type ExposureReport } from '../../analysis/exposure.js';
import { formatExposedPort } from '../../analysis/severity.js';
import type { GraphBatch } from '../../model/graph.js';
import {
  type ReferencedImage,
  referencedImages,
  type RunningImage,
  runningImages,
  type SecurityFlags,
  type UnresolvedContainer,
} from '../../supply-chain/running-images.js';
import { table } from '../format.js';
import { readGraphSource, reportPartialLoad } from '../graph-source.js';

export interface SupplyChainSource {
  graph: GraphBatch;
  report: ExposureReport;
  /** Prints the snapshot's load errors, if any, and sets exit code 1 (the output still covers what loaded). */
  finish(): void;
}

/** The graph (from a snapshot directory or the store) and its exposure, for the supply-chain commands. */
export async function readSupplyChainSource(source: string | undefined, store: string | undefined): Promise<SupplyChainSource> {
  const input = await readGraphSource(source, store);
  return { graph: input.graph, report: computeExposure(input.graph).report, finish: () => reportPartialLoad(input) };
}

export function shortDigest(digest: string): string {
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}

export function securityLabels(security: SecurityFlags): string {
  const labels = [
    security.privileged ? 'privileged' : null,
    security.runsAsRoot ? 'root' : null,
    security.hostNetwork ? 'hostNetwork' : null,
    security.hostPath ? 'hostPath' : null,
    security.addedCapabilities.length > 0 ? `caps:${security.addedCapabilities.join(',')}` : null,
  ].filter((label): label is string => label !== null);
  return labels.join(' ') || '-';
}

/** Full digests inside references shortened for tables: `…@sha256:0123456789ab`. */
function shortReference(reference: string): string {
  return reference.replace(/([a-z0-9]+):([a-f0-9]{12})[a-f0-9]{20,}/g, '$1:$2');
}

function where(location: { clusterName: string; namespace: string; workloadKind: string; workloadName: string }): string {
  return `${location.clusterName}/${location.namespace}/${location.workloadKind}/${location.workloadName}`;
}

function more(count: number): string {
  return count > 1 ? ` (+${count - 1} more)` : '';
}

function formatRunning(images: readonly RunningImage[], unresolved: readonly UnresolvedContainer[]): string {
  const lines: string[] = [];
  if (images.length === 0) lines.push('No running container image with a known digest.');
  else {
    const rows = images.map((image) => {
      const name = image.image.slice(0, image.image.lastIndexOf('@') < 0 ? undefined : image.image.lastIndexOf('@'));
      const exposure = image.exposure ? `${image.exposure.width} ${image.exposure.ports.map(formatExposedPort).join(' ')}` : '-';
      return [
        `${name}@${shortDigest(image.digest)}`,
        image.tags.join(',') || '-',
        exposure,
        String(image.locations.length),
        String(image.locations.reduce((sum, location) => sum + location.pods, 0)),
        securityLabels(image.security),
        `${where(image.locations[0]!)}${more(image.locations.length)}`,
      ];
    });
    lines.push(table(['IMAGE', 'TAGS', 'EXPOSURE', 'WORKLOADS', 'PODS', 'SECURITY', 'WHERE'], rows));
    const exposed = images.filter((image) => image.exposed).length;
    lines.push('', `${images.length} running image digest(s), ${exposed} internet-exposed; scan them in this order.`);
  }
  if (unresolved.length > 0) {
    lines.push('', `${unresolved.length} container(s) without a known running digest:`);
    lines.push(
      table(
        ['POD', 'CONTAINER', 'IMAGE', 'REASON'],
        unresolved.map((item) => [`${item.namespace}/${item.podName}`, item.container, shortReference(item.image), item.reason]),
      ),
    );
  }
  return lines.join('\n');
}

function formatReferenced(images: readonly ReferencedImage[]): string {
  if (images.length === 0) return 'No container image is referenced by the Kubernetes workloads in this graph.';
  const rows = images.map((image) => [
    shortReference(image.reference),
    image.runningDigests.length > 0 ? image.runningDigests.map(shortDigest).join(',') : image.running ? 'running, digest unknown' : 'not running',
    image.exposed ? 'exposed' : '-',
    `${where(image.locations[0]!)}${more(image.locations.length)}`,
  ]);
  const running = images.filter((image) => image.running).length;
  return `${table(['IMAGE', 'RUNNING', 'EXPOSED', 'WHERE'], rows)}\n\n${images.length} image reference(s) in specs, ${running} running.`;
}

interface ImagesOptions {
  store?: string;
  json?: boolean;
  running?: boolean;
}

export function registerImages(program: Command): void {
  program
    .command('images')
    .description('list container images: with --running, the digests pods run, exposed first — the order to scan them in')
    .argument('[source]', 'snapshot directory or graph store file (default: the graph store)')
    .option('--store <file|uri>', 'graph store when no source is given (env REACHGRAPH_STORE)')
    .option('--running', 'only images running now, by digest, with where they run, exposure and security context')
    .option('--json', 'print the JSON shape documented in the README')
    .action(async (source: string | undefined, options: ImagesOptions) => {
      const input = await readSupplyChainSource(source, options.store);
      if (options.running) {
        const result = runningImages(input.graph, input.report);
        console.log(options.json ? JSON.stringify(result, null, 2) : formatRunning(result.images, result.unresolved));
      } else {
        const result = referencedImages(input.graph, input.report);
        console.log(options.json ? JSON.stringify(result, null, 2) : formatReferenced(result.images));
      }
      input.finish();
    });
}
