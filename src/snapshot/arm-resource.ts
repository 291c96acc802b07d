import { z } from 'zod';

/**
 * An ARM resource as Resource Graph or an ARM list call returns it. Only `id`
 * and `type` are required; everything else is read defensively by the loaders
 * because hand-made exports routinely drop fields.
 */
export const ArmResourceSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  name: z.string().optional(),
  location: z.string().optional(),
  subscriptionId: z.string().optional(),
  resourceGroup: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).nullish(),
  sku: z.record(z.string(), z.unknown()).nullish(),
  identity: z.record(z.string(), z.unknown()).nullish(),
  tags: z.record(z.string(), z.unknown()).nullish(),
});

export type ArmResource = z.infer<typeof ArmResourceSchema>;
