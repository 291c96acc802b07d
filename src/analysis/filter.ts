import { z } from 'zod';
import { NodeKinds } from '../model/kinds.js';
import type { ExposedAsset, ExposureReport } from './exposure.js';

export const ExposureFilterSchema = z.object({
  kind: z.enum(NodeKinds).optional(),
  /** A TCP or UDP port the asset must be reachable on. */
  port: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
    .transform(Number)
    .refine((port) => port <= 65535, 'must be a port number from 0 to 65535')
    .optional(),
  width: z.enum(['wide', 'narrow']).optional(),
});
export type ExposureFilter = z.infer<typeof ExposureFilterSchema>;

function matches(asset: ExposedAsset, filter: ExposureFilter): boolean {
  if (filter.kind && asset.kind !== filter.kind) return false;
  if (filter.width && asset.width !== filter.width) return false;
  if (filter.port !== undefined) {
    const port = filter.port;
    return asset.ports.some((range) => range.protocol !== 'icmp' && range.from <= port && port <= range.to);
  }
  return true;
}

export function filterExposure(report: ExposureReport, filter: ExposureFilter): ExposureReport {
  return { assets: report.assets.filter((asset) => matches(asset, filter)) };
}
