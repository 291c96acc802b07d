import type { ArmResource } from '../../snapshot/arm-resource.js';
import type { TransformContext } from '../context.js';

/** One resource family: the ARM types it understands and how they become nodes and edges. */
export interface ResourceFamily {
  /** Names the family in snapshot manifests and in the `syncFamily` property of what it writes. */
  key: string;
  name: string;
  /** Lowercased ARM resource types. */
  armTypes: readonly string[];
  transform(resource: ArmResource, context: TransformContext): void;
  /** Runs once after every resource was transformed: aggregated warnings and the like. */
  finish?(context: TransformContext): void;
}
