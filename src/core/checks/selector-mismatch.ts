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

function describeLabel(labels: Record<string, string>, key: string): string {
  return key in labels ? `has ${key}=${labels[key]}` : `has no label ${key}`;
}

/** One violation per requirement of the selector that the template labels fail. */
function* mismatches(selector: Record<string, unknown>, path: Path, labels: Record<string, string>, map: boolean): Iterable<Violation> {
  const matchLabels = map ? asStringRecord(selector) : asStringRecord(selector.matchLabels);
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] === value) continue;
    yield {
      path: map ? [...path, key] : [...path, 'matchLabels', key],
      message: `selector requires ${key}=${value} but the pod template ${describeLabel(labels, key)}`,
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
      message: `selector requires ${key} ${String(record.operator ?? '')}${values.length ? ` (${values.join(', ')})` : ''} but the pod template ${describeLabel(labels, key)}`,
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
      yield { path: where.path, message: 'the selector is empty: it would claim every pod of the namespace' };
      return;
    }
    yield* mismatches(selector, where.path, labels, where.map);
  },
});
