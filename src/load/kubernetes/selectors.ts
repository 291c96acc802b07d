/**
 * Kubernetes label selectors read from raw objects into the model's
 * LabelSelector; matching is the model's `selectorMatches`, shared with analysis.
 */
import type { LabelSelector } from '../../model/kubernetes.js';
import { asObject, objects, text, texts } from '../raw.js';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function stringMap(value: unknown): Record<string, string> {
  const object = asObject(value);
  if (!object) return {};
  const entries = Object.entries(object)
    .map(([key, item]) => [key, text(item)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== null);
  return Object.fromEntries(entries);
}

/** A `metav1.LabelSelector`; absent or null reads as the empty selector (which matches everything). */
export function labelSelector(value: unknown): LabelSelector {
  const object = asObject(value) ?? {};
  return {
    matchLabels: stringMap(object.matchLabels),
    matchExpressions: objects(object.matchExpressions).flatMap((expression) => {
      const key = text(expression.key);
      const operator = text(expression.operator);
      if (!key || !operator || !OPERATORS.has(operator)) return [];
      return [{ key, operator: operator as LabelSelector['matchExpressions'][number]['operator'], values: texts(expression.values) }];
    }),
  };
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

export { selectorMatches } from '../../model/kubernetes.js';

/**
 * A Service's `spec.selector` (plain equality). Unlike a LabelSelector, an
 * empty one selects nothing: such a service's endpoints are managed by hand.
 */
export function serviceSelectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}
