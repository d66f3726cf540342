import { defineCheck } from '../model/check.js';
import { asRecord } from '../model/values.js';
import { lastApplied } from '../kinds/last-applied.js';

export default defineCheck({
  id: 'secret-data-in-last-applied',
  title: "Secret values copied into the last-applied-configuration annotation",
  severity: 'medium',
  category: 'secrets',
  description:
    "`kubectl apply` (client-side) copies the whole manifest of a Secret, its data and stringData included, into the kubectl.kubernetes.io/last-applied-configuration annotation. Annotations are metadata: `kubectl describe secret`, which hides the values of data, prints them; metadata-only readers (PartialObjectMetadata lists, kube-state-metrics' annotation metrics, backup and inventory tools) receive them; and the annotation keeps the applied values after the data is rotated by other means. Palisade reads the annotation from manifests and at admission; a cluster scan keeps only the names of the keys it holds values for, never a value.",
  remediation:
    'Create and update Secrets with server-side apply (`kubectl apply --server-side`), `kubectl create secret ... --dry-run=client -o yaml | kubectl replace -f -` or a secret manager, and remove the annotation from existing Secrets (`kubectl annotate secret NAME kubectl.kubernetes.io/last-applied-configuration-`); rotate values that were exposed.',
  references: [
    'https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#how-apply-calculates-differences-and-merges-changes',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  ],
  standards: { nsa: ['Network separation: secrets'], mitre: ['T1552.007'] },
  enabledByDefault: true,
  appliesTo: { kinds: ['Secret'] },
  options: {},
  messages: {
    oneValue: "the last-applied-configuration annotation holds a value of the Secret in clear ({{keys}})",
    values: "the last-applied-configuration annotation holds {{count}} values of the Secret in clear ({{keys}})",
  },
  *evaluate({ resource }) {
    const applied = lastApplied(resource.object);
    if (!applied) return;
    const fields: string[] = [];
    let count = 0;
    for (const field of ['data', 'stringData'] as const) {
      const values = asRecord(applied.object[field]) ?? {};
      const keys = Object.keys(values).filter((key) => values[key] !== null && values[key] !== undefined && values[key] !== '');
      if (keys.length === 0) continue;
      count += keys.length;
      fields.push(`${field} ${keys.map((key) => `"${key}"`).join(', ')}`);
    }
    if (count === 0) return;
    // The names of the keys, never their values; one finding, as the annotation is one field.
    yield { path: applied.path, messageId: count === 1 ? 'oneValue' : 'values', data: { count, keys: fields.join('; ') } };
  },
});
