/**
 * `kubectl apply` (client-side) keeps the whole applied manifest in an annotation on the
 * object, as JSON: every value of it, a Secret's data included, and the values of earlier
 * applies until the next one replaces them.
 */
import type { Path } from '../model/location.js';
import { metadataOf, type KubeObject } from '../model/resource.js';
import { asRecord } from '../model/values.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Characters of the annotation parsed; the API server limits all annotations of an object to 256 KiB. */
export const MAX_LAST_APPLIED_LENGTH = 1024 * 1024;

export interface LastApplied {
  /** the applied object, as the annotation holds it */
  object: KubeObject;
  /** where the annotation is */
  path: Path;
}

/** The object the last-applied-configuration annotation holds; undefined when absent, too long or not a JSON object. */
export function lastApplied(object: KubeObject): LastApplied | undefined {
  const text = asRecord(metadataOf(object).annotations)?.[LAST_APPLIED_ANNOTATION];
  if (typeof text !== 'string' || text.length > MAX_LAST_APPLIED_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const applied = asRecord(value);
  return applied ? { object: applied as KubeObject, path: ['metadata', 'annotations', LAST_APPLIED_ANNOTATION] } : undefined;
}

/** What stands for a value in a Secret's last-applied-configuration once its values are dropped. */
export const REDACTED_VALUE = '(value not kept by palisade)';

/**
 * A Secret's last-applied-configuration reduced to which data and stringData keys held a
 * value, each value replaced by REDACTED_VALUE: what a cluster read keeps, so that
 * secret-data-in-last-applied can name the keys without any value ever being kept.
 * undefined when the annotation is absent, not JSON, or holds no value.
 */
export function secretLastAppliedKeys(object: KubeObject): string | undefined {
  const applied = lastApplied(object);
  if (!applied) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const field of ['data', 'stringData'] as const) {
    const values = asRecord(applied.object[field]);
    if (!values) continue;
    const keys = Object.keys(values).filter((key) => values[key] !== null && values[key] !== undefined && values[key] !== '');
    if (keys.length > 0) out[field] = Object.fromEntries(keys.map((key) => [key, REDACTED_VALUE]));
  }
  return Object.keys(out).length > 0 ? JSON.stringify(out) : undefined;
}
