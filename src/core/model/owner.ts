/**
 * Who owns an object, as its labels and annotations say: the keys are defined once here, read
 * by the `owner-label-missing` check (does the object name an owner?) and by alerting (whom to
 * tell). Both take the same configuration (`options.owner-label-missing.labels/annotations`).
 */
import { asRecord } from './values.js';

/** Label keys that name an owner (the check's `labels` option defaults to these). */
export const OWNER_LABEL_KEYS: readonly string[] = ['owner', 'team'];
/** Annotation keys that name an owner (the check's `annotations` option defaults to these). */
export const OWNER_ANNOTATION_KEYS: readonly string[] = ['contact', 'owner', 'team'];

/** The non-empty, trimmed string value of `key` in a labels or annotations map. */
export function nonEmptyValue(map: unknown, key: string): string | undefined {
  const value = asRecord(map)?.[key];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** The first of `keys` with a non-empty value in `map`, and that value. */
export function firstValue(map: unknown, keys: readonly string[]): { key: string; value: string } | undefined {
  for (const key of keys) {
    const value = nonEmptyValue(map, key);
    if (value !== undefined) return { key, value };
  }
  return undefined;
}
