import type { Path } from '../model/location.js';
import type { Resource } from '../model/resource.js';
import { asArray, asRecord, asString } from '../model/values.js';

/**
 * Velero's Schedule (velero.io/v1), as its API reference documents it
 * (site/content/docs/main/api-types/schedule.md and backup.md in vmware-tanzu/velero):
 * `spec.paused` stops it; `spec.template` is the Backup spec each run uses.
 * - includedNamespaces: empty or `*` means every namespace; entries may be glob
 *   patterns (`app-*`, `ns?`, `[ab]c`) where the release supports them (the docs' "Namespace
 *   Glob Patterns" page); a namespace matched by excludedNamespaces is left out either way.
 * - includedResources / excludedResources (and, since 1.11, the scoped variants
 *   includedNamespaceScopedResources / excludedNamespaceScopedResources): empty or
 *   `*` includes every resource; names may be plural, singular, short or
 *   `resource.group`.
 * - ttl: absent (or zero) means the server's --default-backup-ttl, 30 days unless changed.
 */

/** Whether the object is a Velero Schedule (the kind alone could be another project's Schedule, k8up's for one). */
export function isVeleroSchedule(resource: Resource): boolean {
  return resource.ref.kind === 'Schedule' && /^velero\.io\//.test(resource.ref.apiVersion);
}

function strings(value: unknown): string[] {
  return asArray(value).flatMap((item) => (typeof item === 'string' && item.trim() !== '' ? [item.trim()] : []));
}

/** A Velero namespace pattern: `*`, `?` and `[...]` as in Go's filepath.Match; anything else literal. */
function globMatches(pattern: string, name: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === name;
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', index + 1);
      if (end < 0) return pattern === name;
      const body = pattern.slice(index + 1, end).replace(/^[!^]/, '^').replace(/\\/g, '\\\\');
      source += `[${body}]`;
      index = end;
    } else source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`).test(name);
  } catch {
    return false;
  }
}

export interface VeleroSchedule {
  resource: Resource;
  paused: boolean;
  template: Record<string, unknown>;
  templatePath: Path;
}

export function readSchedule(resource: Resource): VeleroSchedule {
  const spec = asRecord(resource.object.spec) ?? {};
  return { resource, paused: spec.paused === true, template: asRecord(spec.template) ?? {}, templatePath: ['spec', 'template'] };
}

/** Whether a run of the schedule backs up the objects of `namespace`. */
export function coversNamespace(schedule: VeleroSchedule, namespace: string): boolean {
  const included = strings(schedule.template.includedNamespaces);
  const excluded = strings(schedule.template.excludedNamespaces);
  if (excluded.some((pattern) => globMatches(pattern, namespace))) return false;
  return included.length === 0 || included.some((pattern) => pattern === '*' || globMatches(pattern, namespace));
}

/** Whether a resource name as Velero accepts it names Secrets (`secrets`, `secret`, `secrets.v1`, any case). */
function namesSecrets(name: string): boolean {
  return /^secrets?(\.v1)?\.?$/i.test(name);
}

export type SecretsExclusion =
  | { excluded: false }
  /** A list names Secrets among the excluded resources. */
  | { excluded: true; how: 'excluded'; field: string; path: Path }
  /** A list of included resources that does not name Secrets (nor `*`). */
  | { excluded: true; how: 'not-included'; field: string; path: Path; included: string[] };

/** Whether the schedule's backups leave Secrets out, and which field says so. */
export function secretsExclusion(schedule: VeleroSchedule): SecretsExclusion {
  for (const field of ['excludedResources', 'excludedNamespaceScopedResources']) {
    const list = asArray(schedule.template[field]);
    const index = list.findIndex((item) => typeof item === 'string' && namesSecrets(item.trim()));
    if (index >= 0) return { excluded: true, how: 'excluded', field, path: [...schedule.templatePath, field, index] };
  }
  for (const field of ['includedResources', 'includedNamespaceScopedResources']) {
    const included = strings(schedule.template[field]);
    if (included.length > 0 && !included.some((name) => name === '*' || namesSecrets(name))) {
      return { excluded: true, how: 'not-included', field, path: [...schedule.templatePath, field], included };
    }
  }
  return { excluded: false };
}

/** The schedule's ttl as written, undefined when absent, empty or zero (the server's default applies). */
export function scheduleTtl(schedule: VeleroSchedule): string | undefined {
  const ttl = asString(schedule.template.ttl)?.trim();
  if (ttl === undefined || ttl === '' || /^(0+(\.0*)?[a-z]*)+$/i.test(ttl)) return undefined;
  return ttl;
}
