/**
 * Builds the ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1) and their
 * bindings for the planned checks that have a CEL translation. Pure: plain objects out, the
 * caller renders them.
 */
import type { PlannedCheck } from '../../engine/config.js';
import { kindInfo } from '../../kinds/catalog.js';
import { WORKLOAD_KINDS } from '../../kinds/pod-spec.js';
import { exportStatus } from './index.js';
import { workloadVariables } from './translation.js';

export const VAP_ACTIONS = ['Deny', 'Warn', 'Audit'] as const;
export type VapAction = (typeof VAP_ACTIONS)[number];

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface VapExportOptions {
  /** validationActions of every binding (Deny and Warn cannot be combined) */
  actions: readonly VapAction[];
  /** the namespaces the bindings apply to; default: every namespace but kube-system */
  namespaceSelector?: LabelSelector;
}

export interface VapExport {
  /** policies then bindings, by check id */
  objects: Record<string, unknown>[];
  exported: string[];
  /** planned checks that are not exported, with the reason */
  skipped: { id: string; reason: string }[];
}

/** The selector used when none is given: kube-system is left alone, so the cluster can always recover. */
export const DEFAULT_NAMESPACE_SELECTOR: LabelSelector = {
  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }],
};

export const POLICY_PREFIX = 'palisade-';

function resourceRules(kinds: readonly string[]): Record<string, unknown>[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    const info = kindInfo(kind);
    if (!info || info.list === 'no') continue;
    const resources = byGroup.get(info.group) ?? [];
    resources.push(info.plural);
    // Ephemeral containers are added to a running pod through a subresource.
    if (kind === 'Pod') resources.push('pods/ephemeralcontainers');
    byGroup.set(info.group, resources);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, resources]) => ({ apiGroups: [group], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: resources.sort() }));
}

export function buildVapExport(planned: readonly PlannedCheck[], options: VapExportOptions): VapExport {
  const policies: Record<string, unknown>[] = [];
  const bindings: Record<string, unknown>[] = [];
  const exported: string[] = [];
  const skipped: VapExport['skipped'] = [];
  for (const { check, severity, options: checkOptions } of [...planned].sort((a, b) => a.check.id.localeCompare(b.check.id))) {
    const status = exportStatus(check);
    if (status.status !== 'exported') {
      skipped.push({ id: check.id, reason: status.status === 'not-exportable' ? status.reason : 'not translated to CEL yet' });
      continue;
    }
    const { translation } = status;
    const name = `${POLICY_PREFIX}${check.id}`;
    const workloads = translation.matches === 'workloads';
    const metadata = {
      name,
      labels: { 'app.kubernetes.io/managed-by': 'palisade', 'palisade.dev/check': check.id },
      annotations: { 'palisade.dev/title': check.title, 'palisade.dev/severity': severity },
    };
    policies.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata,
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: resourceRules(workloads ? WORKLOAD_KINDS : translation.matches as readonly string[]) },
        ...(workloads ? { variables: workloadVariables() } : {}),
        validations: translation.validations(checkOptions).map((validation) => ({
          expression: validation.expression,
          message: `${check.id}: ${validation.message}. ${check.remediation}`,
          reason: 'Forbidden',
        })),
      },
    });
    bindings.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: metadata.labels },
      spec: {
        policyName: name,
        validationActions: [...options.actions],
        matchResources: { namespaceSelector: options.namespaceSelector ?? DEFAULT_NAMESPACE_SELECTOR },
      },
    });
    exported.push(check.id);
  }
  return { objects: [...policies, ...bindings], exported, skipped };
}

/**
 * Parses a label selector as kubectl writes it: `a=b,c!=d,e in (f,g),h notin (i),j,!k`
 * (`==` is `=`). Returns the selector or an error message.
 */
export function parseLabelSelector(text: string): LabelSelector | string {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  const KEY = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
  const VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') return `empty requirement in "${text}"`;
    let match: RegExpExecArray | null;
    if ((match = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      const [, key, op, list] = match as unknown as [string, string, string, string];
      const values = list.split(',').map((value) => value.trim());
      if (!KEY.test(key) || values.some((value) => !VALUE.test(value))) return `invalid requirement "${part}"`;
      matchExpressions.push({ key, operator: op === 'in' ? 'In' : 'NotIn', values });
    } else if ((match = /^([^=!\s]+)\s*!=\s*(\S*)$/.exec(part))) {
      const [, key, value] = match as unknown as [string, string, string];
      if (!KEY.test(key) || !VALUE.test(value)) return `invalid requirement "${part}"`;
      matchExpressions.push({ key, operator: 'NotIn', values: [value] });
    } else if ((match = /^([^=!\s]+)\s*==?\s*(\S*)$/.exec(part))) {
      const [, key, value] = match as unknown as [string, string, string];
      if (!KEY.test(key) || !VALUE.test(value)) return `invalid requirement "${part}"`;
      matchLabels[key] = value;
    } else if ((match = /^!\s*(\S+)$/.exec(part))) {
      if (!KEY.test(match[1]!)) return `invalid requirement "${part}"`;
      matchExpressions.push({ key: match[1]!, operator: 'DoesNotExist' });
    } else if (KEY.test(part)) {
      matchExpressions.push({ key: part, operator: 'Exists' });
    } else return `invalid requirement "${part}"`;
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}
