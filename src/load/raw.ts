/**
 * Defensive readers for raw ARM JSON. Exports from the portal, `az`, Resource
 * Graph and hand-edited files disagree on which fields are present and how
 * they are cased, so loaders never index raw objects directly.
 */
import { normalizeId } from '../model/ids.js';

export type RawObject = Record<string, unknown>;

export function asObject(value: unknown): RawObject | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as RawObject) : undefined;
}

export function objects(value: unknown): RawObject[] {
  return Array.isArray(value) ? value.map(asObject).filter((item): item is RawObject => item !== undefined) : [];
}

export function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

export function integer(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : null;
}

export function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter((item): item is string => item !== null);
  const single = text(value);
  return single === null ? [] : [single];
}

/** `{ "id": "…" }` references, the way ARM links resources. */
export function refId(value: unknown): string | null {
  const id = text(asObject(value)?.id);
  return id ? normalizeId(id) : null;
}

export function refIds(value: unknown): string[] {
  return objects(value)
    .map((item) => refId(item))
    .filter((id): id is string => id !== null);
}

/** The singular and plural forms of an NSG field, merged (`sourceAddressPrefix` + `sourceAddressPrefixes`). */
export function singularAndPlural(properties: RawObject, singular: string, plural: string): string[] {
  const merged = [...texts(properties[singular]), ...texts(properties[plural])].map((item) => item.trim());
  return [...new Set(merged.filter((item) => item !== ''))];
}

/** ARM nests child settings under `properties`; the az CLI flattens them. Accept both. */
export function propertiesOf(value: unknown): RawObject {
  const object = asObject(value) ?? {};
  return asObject(object.properties) ?? object;
}
