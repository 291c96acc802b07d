/**
 * The Cloud BOM: per running image digest, every place it is deployed
 * (subscription, cluster, namespace, workload, replicas), whether and how the
 * internet reaches it, and the security context it runs with. `--format json`
 * is this shape; `--format cyclonedx` renders it as CycloneDX 1.6 (cyclonedx.ts).
 */
import type { ExposureReport } from '../analysis/exposure.js';
import type { GraphBatch } from '../model/graph.js';
import { containerImageId } from '../model/ids.js';
import { ociPurl } from './image-ref.js';
import { readInventory } from './inventory.js';
import { collectRunningImages, type RunningImage, type UnresolvedContainer } from './running-images.js';

export interface BomImage extends RunningImage {
  /** `pkg:oci/<name>@sha256%3A<hex>?repository_url=<registry>/<repository>&tag=<tag>` (image-ref.ts ociPurl). */
  purl: string;
  /** Stable across runs: the ContainerImage node id, `image:<registry>/<repository>@<digest>` (model/ids.ts), or `image:<digest>`. */
  bomRef: string;
}

export interface CloudBom {
  tool: { name: 'reachgraph'; version: string };
  /** Sorted by image name, then digest. */
  images: BomImage[];
  /** Containers without a known running digest: they cannot be components, and are listed so nothing is silently missing. */
  unresolved: UnresolvedContainer[];
}

export const BOM_FORMATS = ['json', 'cyclonedx'] as const;
export type BomFormat = (typeof BOM_FORMATS)[number];

/** The tag a purl carries when several tags named the digest: a non-`latest` one if any, else the first sorted. */
export function purlTag(tags: readonly string[]): string | null {
  return tags.find((tag) => tag !== 'latest') ?? tags[0] ?? null;
}

export function bomRefOf(image: Pick<RunningImage, 'registry' | 'repository' | 'digest'>): string {
  return image.repository ? containerImageId(image.registry || 'unknown', image.repository, image.digest) : `image:${image.digest}`;
}

export function buildBom(graph: GraphBatch, report: ExposureReport, version: string): CloudBom {
  const { images, unresolved } = collectRunningImages(readInventory(graph), report);
  const bomImages = images
    .map((image) => ({
      ...image,
      purl: ociPurl({ registry: image.registry, repository: image.repository, digest: image.digest, tag: purlTag(image.tags) }),
      bomRef: bomRefOf(image),
    }))
    .sort((a, b) => a.image.localeCompare(b.image) || a.digest.localeCompare(b.digest));
  return { tool: { name: 'reachgraph', version }, images: bomImages, unresolved };
}
