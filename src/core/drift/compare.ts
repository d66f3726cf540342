/**
 * Configuration drift: a live object against the manifest it should match, field by field.
 *
 * Only what the desired manifest sets is compared, as `kubectl diff` with server-side apply
 * semantics sees it: a field the desired object sets that is different or missing live is
 * drift; a field present only live (a default the API server filled in, a status, metadata a
 * controller wrote) is not. Lists with a strategic-merge key (containers, env, volumes,
 * volumeMounts, ports, imagePullSecrets) are matched element by element by that key, and a
 * live element the desired list does not have is drift; other lists of objects are compared
 * position by position with the same rule, and a different length is drift; lists of
 * scalars are compared whole. Quantities compare by value (`500m` = `0.5`, `1Gi` = `1024Mi`)
 * and a port written as a string compares equal to the number the server stores.
 *
 * Pure: objects in, differences out. A Secret's data is never part of a difference's values.
 */
import type { KubeObject } from '../model/resource.js';
import { asRecord } from '../model/values.js';

export interface FieldDrift {
  /** `spec.template.spec.containers[name=web].image` */
  path: string;
  /**
   * What differs: `changed` (both set, different), `missing` (set in the desired object,
   * absent live), `extra` (a live list element the desired list does not have).
   */
  change: 'changed' | 'missing' | 'extra';
  /** Absent for a missing live value, and for every field of a Secret's data. */
  desired?: unknown;
  live?: unknown;
  /** A Secret's data or stringData: compared by key, values never carried. */
  secret?: true;
}

/** Metadata the API server or controllers write, never compared. */
const SERVER_METADATA = new Set(['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'ownerReferences']);
/** Annotations tools and controllers write. */
const SERVER_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision']);

/** Strategic-merge keys of the lists that have one, by the list's field name. */
function mergeKeyOf(field: string, element: Record<string, unknown>): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'hostAliases':
      return 'ip';
    case 'ports':
      // A container's ports merge by containerPort, a Service's by port.
      return 'containerPort' in element ? 'containerPort' : 'port' in element ? 'port' : undefined;
    default:
      return undefined;
  }
}

/** Fields whose values are resource quantities. */
const QUANTITY_PARENTS = new Set(['limits', 'requests', 'hard', 'capacity', 'default', 'defaultRequest', 'max', 'min', 'maxLimitRequestRatio']);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage']);

const DIVISORS: Record<string, number> = { n: 1e9, u: 1e6, m: 1e3 };
const SUFFIXES: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes quantity's value (`500m` is 0.5, `1Gi` is 1073741824), or undefined when it is not one. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(value.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[2]) return number * 10 ** Number(match[2].slice(1));
  const suffix = match[3] ?? '';
  // Divided, not multiplied by 1e-9: 100n is exactly 1e-7, as 0.0000001 is.
  if (suffix in DIVISORS) return number / DIVISORS[suffix]!;
  return number * SUFFIXES[suffix]!;
}

function sameQuantity(a: unknown, b: unknown): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (x === undefined || y === undefined) return false;
  return x === y || Math.abs(x - y) <= Math.abs(x) * 1e-12;
}

/** `"8080"` and 8080: the same port (or replica count), as the server converts it. */
function sameNumber(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'string') return /^\d+$/.test(b) && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return /^\d+$/.test(a) && Number(a) === b;
  return false;
}

/** What the API server drops: null, an empty list, an empty map. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  const record = asRecord(value);
  return record !== undefined && Object.keys(record).length === 0;
}

function fieldPath(parent: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return parent === '' ? safe : /^[A-Za-z_$]/.test(safe) ? `${parent}.${safe}` : `${parent}[${safe}]`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  const x = asRecord(a);
  const y = asRecord(b);
  if (!x || !y) return false;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((key) => Object.hasOwn(y, key) && deepEqual(x[key], y[key]));
}

interface Walk {
  out: FieldDrift[];
  /** for each difference, where it is in the desired object (the nearest part of it that exists) */
  at: Array<readonly (string | number)[]>;
}

function report(walk: Walk, at: readonly (string | number)[], path: string, change: FieldDrift['change'], desired: unknown, live: unknown, secret: boolean): void {
  walk.at.push(at);
  if (secret) {
    walk.out.push({ path, change, secret: true });
    return;
  }
  walk.out.push({ path, change, ...(change !== 'extra' ? { desired } : {}), ...(change !== 'missing' ? { live } : {}) });
}

function compareValue(walk: Walk, at: readonly (string | number)[], path: string, segments: readonly string[], desired: unknown, live: unknown, secret: boolean): void {
  if (live === undefined || live === null) {
    if (!isEmpty(desired)) report(walk, at, path, 'missing', desired, undefined, secret);
    return;
  }
  const desiredRecord = asRecord(desired);
  if (desiredRecord) {
    const liveRecord = asRecord(live);
    if (!liveRecord) return report(walk, at, path, 'changed', desired, live, secret);
    for (const [key, value] of Object.entries(desiredRecord)) {
      compareValue(walk, [...at, key], fieldPath(path, key), [...segments, key], value, liveRecord[key], secret);
    }
    return;
  }
  if (Array.isArray(desired)) return compareList(walk, at, path, segments, desired, live, secret);
  if (desired === null) return;
  if (desired === live) return;
  const field = segments.at(-1) ?? '';
  const parent = segments.at(-2) ?? '';
  if ((QUANTITY_PARENTS.has(parent) || QUANTITY_FIELDS.has(field)) && sameQuantity(desired, live)) return;
  if (sameNumber(desired, live)) return;
  report(walk, at, path, 'changed', desired, live, secret);
}

function compareList(walk: Walk, at: readonly (string | number)[], path: string, segments: readonly string[], desired: unknown[], live: unknown, secret: boolean): void {
  if (!Array.isArray(live)) return report(walk, at, path, 'changed', desired, live, secret);
  const field = segments.at(-1) ?? '';
  const first = asRecord(desired[0]) ?? asRecord(live[0]);
  const key = first ? mergeKeyOf(field, first) : undefined;
  if (key !== undefined && desired.every((item) => asRecord(item)?.[key] !== undefined)) {
    const label = (value: unknown) => `${path}[${key}=${typeof value === 'string' && /^[\w.\/-]+$/.test(value) ? value : JSON.stringify(value)}]`;
    const liveByKey = new Map<string, unknown>();
    for (const item of live) {
      const value = asRecord(item)?.[key];
      if (value !== undefined) liveByKey.set(String(value), item);
    }
    const wanted = new Set<string>();
    desired.forEach((item, index) => {
      const value = asRecord(item)![key];
      wanted.add(String(value));
      compareValue(walk, [...at, index], label(value), segments, item, liveByKey.get(String(value)), secret);
    });
    // An element only live: at the desired list.
    for (const item of live) {
      const value = asRecord(item)?.[key];
      if (value !== undefined && !wanted.has(String(value))) report(walk, at, label(value), 'extra', undefined, item, secret);
    }
    return;
  }
  if (desired.some((item) => asRecord(item) !== undefined || Array.isArray(item))) {
    // Objects without a merge key: position by position, each with the desired-fields rule.
    if (desired.length !== live.length) return report(walk, at, path, 'changed', desired, live, secret);
    desired.forEach((item, index) => compareValue(walk, [...at, index], `${path}[${index}]`, segments, item, live[index], secret));
    return;
  }
  if (desired.length !== live.length || desired.some((item, index) => !(item === live[index] || sameNumber(item, live[index]) || deepEqual(item, live[index])))) {
    report(walk, at, path, 'changed', desired, live, secret);
  }
}

/** The desired object without what the API server and controllers own. */
function comparable(object: KubeObject): Record<string, unknown> {
  const { status: _status, ...rest } = object as Record<string, unknown>;
  const metadata = asRecord(rest.metadata);
  if (metadata) {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(metadata)) if (!SERVER_METADATA.has(key)) kept[key] = value;
    const annotations = asRecord(kept.annotations);
    if (annotations) kept.annotations = Object.fromEntries(Object.entries(annotations).filter(([key]) => !SERVER_ANNOTATIONS.has(key)));
    rest.metadata = kept;
  }
  return rest;
}

export interface ObjectComparison {
  fields: FieldDrift[];
  /** where each field is in the desired object, as a path of keys and indexes (for its line) */
  at: Array<readonly (string | number)[]>;
  /** Set when part of the object could not be compared, and why. */
  notCompared?: string;
}

/**
 * Every field the desired object sets that differs live. `apiVersion` and `kind` are the
 * match, not compared. For a Secret, `data` and `stringData` are compared by key only (a
 * differing key is reported without either value); live Secrets read as metadata only carry
 * no data, and then the data is not compared at all.
 */
export function compareObject(desired: KubeObject, live: KubeObject): ObjectComparison {
  const walk: Walk = { out: [], at: [] };
  const isSecret = desired.kind === 'Secret';
  const { apiVersion: _a, kind: _k, ...fields } = comparable(desired);
  let notCompared: string | undefined;
  // A Secret read as metadata only (no data, no type live): only its metadata can be compared.
  const metadataOnly = isSecret && !('data' in live) && !('type' in live);
  for (const [key, value] of Object.entries(fields)) {
    if (isSecret && (key === 'data' || key === 'stringData')) continue;
    if (metadataOnly && key !== 'metadata') continue;
    compareValue(walk, [key], key, [key], value, (live as Record<string, unknown>)[key], false);
  }
  if (isSecret) {
    const liveData = asRecord((live as Record<string, unknown>).data);
    const desiredData = asRecord(desired.data) ?? {};
    const desiredString = asRecord(desired.stringData) ?? {};
    if (!liveData) {
      if (Object.keys(desiredData).length + Object.keys(desiredString).length > 0) notCompared = 'data not compared: Palisade reads Secrets as metadata only and never reads their values';
    } else {
      for (const key of Object.keys(desiredData)) {
        if (!(key in liveData)) report(walk, ['data', key], fieldPath('data', key), 'missing', undefined, undefined, true);
        else if (desiredData[key] !== liveData[key]) report(walk, ['data', key], fieldPath('data', key), 'changed', undefined, undefined, true);
      }
      // stringData is write-only: the server folds it into data, so only its keys can be compared.
      for (const key of Object.keys(desiredString)) if (!(key in liveData)) report(walk, ['stringData', key], fieldPath('data', key), 'missing', undefined, undefined, true);
    }
  }
  return { fields: walk.out, at: walk.at, ...(notCompared ? { notCompared } : {}) };
}
