/**
 * Kubernetes label selectors: read from raw objects into the model's
 * LabelSelector, and matched against labels exactly as the API server does.
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

/** matchLabels and every matchExpression must hold; the empty selector matches every set of labels. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  for (const { key, operator, values } of selector.matchExpressions) {
    const has = Object.hasOwn(labels, key);
    switch (operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/**
 * A Service's `spec.selector` (plain equality). Unlike a LabelSelector, an
 * empty one selects nothing: such a service's endpoints are managed by hand.
 */
export function serviceSelectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}
