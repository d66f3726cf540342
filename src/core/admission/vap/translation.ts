/**
 * A check translated to CEL for a ValidatingAdmissionPolicy: the same verdict as the check's
 * `evaluate`, computed by the API server itself. A translation names its check, the kinds it
 * matches and the validations (each must hold for the object to be admitted); the policy and
 * binding around it are built by `policies.ts`.
 */
import { podTemplatePaths, WORKLOAD_KINDS } from '../../kinds/pod-spec.js';

export interface CelValidation {
  /** true admits: the object passes this part of the check */
  expression: string;
  /** what the API server answers when the expression is false (the check id is prefixed) */
  message: string;
}

export interface VapTranslation {
  /** the check's id */
  id: string;
  /**
   * 'workloads': every pod-template kind, with the variables `podSpec`, `podMeta`,
   * `podSecurityContext` and `containers` (init, app and ephemeral containers); or the kinds
   * matched, whose object the validations read directly.
   */
  matches: 'workloads' | readonly string[];
  /** The validations for the check's resolved options (the plan's, with defaults). */
  validations(options: Readonly<Record<string, unknown>>): CelValidation[];
}

/** A CEL string literal (single-quoted, escaped). */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list literal of strings. */
export function celStrings(values: Iterable<string>): string {
  return `[${[...values].map(celString).join(', ')}]`;
}

function celPath(path: readonly (string | number)[]): string {
  return ['object', ...path].join('.');
}

/**
 * An expression choosing, by `object.kind`, where the incoming workload keeps a part of its
 * pod, from the one table that says where each kind keeps it (core/kinds/pod-spec.ts):
 * `object.spec` for a Pod, `object.template.spec` for a PodTemplate,
 * `object.spec.jobTemplate.spec.template.spec` for a CronJob, ... The most common path is
 * the fallback: the policy matches no other kind.
 */
function byKind(pathOf: (kind: string) => string | undefined): string {
  const byPath = new Map<string, string[]>();
  for (const kind of WORKLOAD_KINDS) {
    const path = pathOf(kind);
    if (path !== undefined) byPath.set(path, [...(byPath.get(path) ?? []), kind]);
  }
  const [fallback, ...rest] = [...byPath.entries()].sort((a, b) => b[1].length - a[1].length);
  let expression = fallback ? fallback[0] : 'object.spec';
  for (const [path, kinds] of rest.reverse()) {
    const test = kinds.length === 1 ? `object.kind == ${celString(kinds[0]!)}` : `object.kind in ${celStrings(kinds)}`;
    expression = `${test} ? ${path} : ${expression}`;
  }
  return expression;
}

/** The variables every workload policy declares, in order (later ones read earlier ones). */
export function workloadVariables(): { name: string; expression: string }[] {
  const paths = (kind: string) => podTemplatePaths(kind);
  return [
    { name: 'podSpec', expression: byKind((kind) => { const p = paths(kind); return p && celPath(p.spec); }) },
    // A template's metadata may be absent: read it as an optional at its last step.
    { name: 'podMeta', expression: byKind((kind) => { const p = paths(kind); return p && `${celPath(p.metadata.slice(0, -1))}.?metadata.orValue({})`; }) },
    { name: 'podSecurityContext', expression: 'variables.podSpec.?securityContext.orValue({})' },
    {
      name: 'containers',
      expression: 'variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?containers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])',
    },
  ];
}

/** `spec.os.name: windows` (Pod Security exempts such pods from Linux-only controls). */
export const DECLARES_WINDOWS = "variables.podSpec.?os.?name.orValue('') == 'windows'";

/** `spec.hostUsers: false`: the pod has its own user namespace. */
export const USES_USER_NAMESPACE = 'variables.podSpec.?hostUsers.orValue(true) == false';

/** A boolean field of the pod spec that must not be true. */
export function podFlag(field: string): string {
  return `variables.podSpec.?${field}.orValue(false) != true`;
}
