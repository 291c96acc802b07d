import { computeExposure, type ExposedAsset } from '../../src/analysis/exposure.js';
import { transformAzureResources } from '../../src/load/transform.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';

/** Transforms an estate and computes its exposure, keyed by lowercased asset id. */
export function exposureOf(resources: ArmResource[]): Map<string, ExposedAsset> {
  const { graph } = transformAzureResources(resources);
  return new Map(computeExposure(graph).report.assets.map((asset) => [asset.id, asset]));
}
