import { defineCheck } from '../model/check.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { extractWorkload, WORKLOAD_KINDS, type ContainerView, type Workload } from '../kinds/pod-spec.js';
import { lastApplied } from '../kinds/last-applied.js';
import { base64Text } from '../credentials/base64-text.js';
import { classifyNamedValue, scanConfigText, type CredentialHit } from '../credentials/detector.js';
import { scanCommandLine } from '../credentials/command-line.js';

/** A credential the annotation holds: where (keys, names and indexes only) and what it looks like. */
interface Kept {
  place: string;
  hit: CredentialHit;
  /** the line of a multi-line value */
  line?: number;
}

function linePlace(base: string, line: number | undefined, name: string | undefined): string {
  return `${base}${line !== undefined ? `, line ${line}` : ''}${name !== undefined ? ` ("${name}")` : ''}`;
}

/** The credentials of a value as configmap-credential judges it: by key and shape when one line, else line by line. */
function valueHits(base: string, key: string, value: string): Kept[] {
  const multiline = value.trimEnd().includes('\n');
  if (!multiline) {
    const hit = classifyNamedValue(key, value);
    if (hit) return [{ place: base, hit }];
  }
  return scanConfigText(value).map((line) => ({ place: linePlace(base, multiline ? line.line : undefined, line.key), hit: line.hit, ...(multiline ? { line: line.line } : {}) }));
}

/** ConfigMap data and binaryData the annotation holds and the object does not (the object's own are configmap-credential's). */
function* configMapKept(live: Record<string, unknown>, applied: Record<string, unknown>): Generator<Kept> {
  for (const field of ['data', 'binaryData'] as const) {
    const current = asRecord(live[field]) ?? {};
    for (const [key, raw] of Object.entries(asRecord(applied[field]) ?? {})) {
      if (typeof raw !== 'string' || current[key] === raw) continue;
      const decode = (value: unknown): string | undefined => (typeof value !== 'string' ? undefined : field === 'binaryData' ? base64Text(value) : value);
      const text = decode(raw);
      if (text === undefined) continue;
      // Lines the object's value still holds are configmap-credential's.
      const currentLines = new Set((decode(current[key]) ?? '').split(/\r?\n/));
      const lines = text.split(/\r?\n/);
      for (const kept of valueHits(`${field} key "${key}"`, key, text)) {
        if (kept.line !== undefined && currentLines.has(lines[kept.line - 1] ?? '')) continue;
        yield kept;
      }
    }
  }
}

function sameContainer(workload: Workload | undefined, container: ContainerView): Record<string, unknown> | undefined {
  return workload?.containers.find((other) => other.type === container.type && other.name === container.name)?.container;
}

/** Literal env values and command-line arguments the annotation holds and the object does not (the object's own are env-literal-credential's and credentials-in-command's). */
function* workloadKept(live: Workload | undefined, applied: Workload): Generator<Kept> {
  for (const container of applied.containers) {
    const current = sameContainer(live, container);
    const currentEnv = new Map<string, unknown>();
    for (const item of asArray(current?.env)) {
      const env = asRecord(item);
      const name = asString(env?.name);
      if (name !== undefined) currentEnv.set(name, env?.value);
    }
    for (const item of asArray(container.container.env)) {
      const env = asRecord(item);
      const name = asString(env?.name);
      const value = asString(env?.value);
      if (name === undefined || value === undefined || currentEnv.get(name) === value) continue;
      const hit = classifyNamedValue(name, value);
      if (hit) yield { place: `environment variable "${name}" of container "${container.name}"`, hit };
    }
    for (const field of ['command', 'args'] as const) {
      const args = asArray(container.container[field]);
      const currentArgs = asArray(current?.[field]);
      for (const found of scanCommandLine(args)) {
        if (currentArgs[found.index] === args[found.index]) continue;
        yield { place: linePlace(`${field}[${found.index}] of container "${container.name}"`, found.line, found.name), hit: found.hit };
      }
    }
  }
}

export default defineCheck({
  id: 'credentials-in-last-applied',
  title: 'Credential kept in the last-applied-configuration annotation',
  severity: 'high',
  category: 'secrets',
  description:
    "`kubectl apply` (client-side) keeps the applied manifest in the kubectl.kubernetes.io/last-applied-configuration annotation. A credential removed from a ConfigMap or a workload by `kubectl edit`, `kubectl set env`, a patch or a controller stays there until the next apply, readable by everyone who can read the object and printed by `kubectl describe` and metadata tooling. The ConfigMap data and binaryData, literal environment values and command lines the annotation holds are judged with the detectors of configmap-credential, env-literal-credential and credentials-in-command; values the object itself still holds are left to those checks.",
  remediation:
    'Remove the credential from the object and from the annotation (apply the corrected manifest, or `kubectl annotate KIND NAME kubectl.kubernetes.io/last-applied-configuration-`), move it into a Secret mounted as a file, and rotate it.',
  references: [
    'https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#how-apply-calculates-differences-and-merges-changes',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  ],
  standards: { nsa: ['Network separation: secrets'], mitre: ['T1552.001'] },
  enabledByDefault: true,
  appliesTo: { kinds: ['ConfigMap', ...WORKLOAD_KINDS] },
  options: {},
  messages: {
    one: 'the last-applied-configuration annotation keeps a literal credential the object itself does not hold: {{places}}',
    many: 'the last-applied-configuration annotation keeps {{count}} literal credentials the object itself does not hold: {{places}}',
  },
  *evaluate({ resource, workload }) {
    const applied = lastApplied(resource.object);
    if (!applied) return;
    let kept: Iterable<Kept> = [];
    if (resource.ref.kind === 'ConfigMap') kept = configMapKept(resource.object, applied.object);
    else {
      const appliedWorkload = extractWorkload({ ...applied.object, kind: resource.ref.kind });
      if (appliedWorkload) kept = workloadKept(workload, appliedWorkload);
    }
    // Never the value: keys, names, indexes and lines, and what the value looks like. One
    // finding per object: the annotation is one field, so several would share a finding key.
    const places = [...kept].map(({ place, hit }) => `${place}: ${hit.description}`);
    if (places.length === 0) return;
    yield { path: applied.path, messageId: places.length === 1 ? 'one' : 'many', data: { count: places.length, places: places.join('; ') } };
  },
});
