import { defineCheck, type Violation } from '../model/check.js';
import type { Path } from '../model/location.js';
import { matchesLabelSelector } from '../model/selectors.js';
import { asArray, asRecord, asStringRecord, getPath } from '../model/values.js';
import { isEmptySelector } from '../network/model.js';

/** Where each controller keeps its selector; `map` marks the plain-map selectors of ReplicationController and DeploymentConfig. */
const SELECTORS: Record<string, { path: Path; map: boolean }> = {
  CronJob: { path: ['spec', 'jobTemplate', 'spec', 'selector'], map: false },
  DaemonSet: { path: ['spec', 'selector'], map: false },
  Deployment: { path: ['spec', 'selector'], map: false },
  DeploymentConfig: { path: ['spec', 'selector'], map: true },
  Job: { path: ['spec', 'selector'], map: false },
  ReplicaSet: { path: ['spec', 'selector'], map: false },
  ReplicationController: { path: ['spec', 'selector'], map: true },
  StatefulSet: { path: ['spec', 'selector'], map: false },
};

/** The messages of a requirement the pod template does not meet: it has the label with another value, or not at all. */
const MISMATCH = {
  label: { differs: 'labelDiffers', missing: 'labelMissing' },
  expression: { differs: 'expressionDiffers', missing: 'expressionMissing' },
  expressionValues: { differs: 'expressionValuesDiffers', missing: 'expressionValuesMissing' },
} as const;

type MismatchId = (typeof MISMATCH)[keyof typeof MISMATCH][keyof (typeof MISMATCH)['label']];

/** The message of requirement `kind` on `key`, and the value the pod template has. */
function describeLabel(kind: keyof typeof MISMATCH, labels: Record<string, string>, key: string): { messageId: MismatchId; actual: string | undefined } {
  return key in labels ? { messageId: MISMATCH[kind].differs, actual: labels[key] } : { messageId: MISMATCH[kind].missing, actual: undefined };
}

/** One violation per requirement of the selector that the template labels fail. */
function* mismatches(selector: Record<string, unknown>, path: Path, labels: Record<string, string>, map: boolean): Iterable<Violation<MismatchId>> {
  const matchLabels = map ? asStringRecord(selector) : asStringRecord(selector.matchLabels);
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] === value) continue;
    yield {
      path: map ? [...path, key] : [...path, 'matchLabels', key],
      messageId: describeLabel('label', labels, key).messageId,
      data: { key, value, actual: describeLabel('label', labels, key).actual },
    };
  }
  if (map) return;
  for (const [index, expression] of asArray(selector.matchExpressions).entries()) {
    if (matchesLabelSelector({ matchExpressions: [expression] }, labels)) continue;
    const record = asRecord(expression) ?? {};
    const values = asArray(record.values).map(String);
    const key = String(record.key ?? '');
    yield {
      path: [...path, 'matchExpressions', index],
      messageId: describeLabel(values.length ? 'expressionValues' : 'expression', labels, key).messageId,
      data: { key, operator: String(record.operator ?? ''), values: values.join(', '), actual: describeLabel('label', labels, key).actual },
    };
  }
}

export default defineCheck({
  id: 'selector-mismatch',
  title: 'Controller selector does not match its pod template',
  severity: 'low',
  category: 'ownership',
  description:
    'A controller manages the pods its selector matches; when the selector does not match its own pod template the API server rejects the object (apps/v1, batch/v1, v1), and an empty selector would claim every pod of the namespace, including other applications\' pods.',
  remediation: 'Make the selector a subset of spec.template.metadata.labels: copy the template labels that identify the application into matchLabels.',
  references: [
    'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector',
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  ],
  standards: {},
  enabledByDefault: true,
  appliesTo: { kinds: Object.keys(SELECTORS).sort() },
  options: {},
  messages: {
    empty: 'the selector is empty: it would claim every pod of the namespace',
    labelDiffers: 'selector requires {{key}}={{value}} but the pod template has {{key}}={{actual}}',
    labelMissing: 'selector requires {{key}}={{value}} but the pod template has no label {{key}}',
    expressionDiffers: 'selector requires {{key}} {{operator}} but the pod template has {{key}}={{actual}}',
    expressionMissing: 'selector requires {{key}} {{operator}} but the pod template has no label {{key}}',
    expressionValuesDiffers: 'selector requires {{key}} {{operator}} ({{values}}) but the pod template has {{key}}={{actual}}',
    expressionValuesMissing: 'selector requires {{key}} {{operator}} ({{values}}) but the pod template has no label {{key}}',
  },
  *evaluate({ resource, workload }) {
    const where = SELECTORS[resource.ref.kind];
    if (!where || !workload) return;
    const selector = asRecord(getPath(resource.object, where.path));
    // Absent: defaulted from the template labels (ReplicationController, Job, older API versions) or rejected as required.
    if (!selector) return;
    const labels = asStringRecord(workload.podMetadata.labels);
    if (where.map) {
      // An empty map selector is defaulted to the template labels as well.
      if (Object.keys(asStringRecord(selector)).length === 0) return;
    } else if (isEmptySelector(selector)) {
      yield { path: where.path, messageId: 'empty' };
      return;
    }
    yield* mismatches(selector, where.path, labels, where.map);
  },
});
