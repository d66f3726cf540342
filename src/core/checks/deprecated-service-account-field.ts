import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'deprecated-service-account-field',
  title: 'Pod uses the deprecated serviceAccount field',
  severity: 'low',
  category: 'service-accounts',
  description:
    "spec.serviceAccount is a deprecated alias of serviceAccountName. Kubernetes reads it only when serviceAccountName is empty, so a value that differs is silently ignored and reviewers may believe the pod runs as an account it does not. The API server itself writes both fields with the same value, so that case is not reported.",
  remediation: 'Set spec.serviceAccountName and remove spec.serviceAccount.',
  references: ['https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/', 'https://kubernetes.io/docs/concepts/security/service-accounts/#assign-to-pod'],
  standards: {},
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    deprecated: 'the pod names service account "{{account}}" with the deprecated serviceAccount field instead of serviceAccountName',
    differs: 'serviceAccount "{{account}}" differs from serviceAccountName "{{name}}": the pod runs as "{{name}}" and serviceAccount is ignored',
  },
  *evaluate({ workload }) {
    if (!workload) return;
    const deprecated = workload.podSpec.serviceAccount;
    if (typeof deprecated !== 'string' || deprecated === '') return;
    const name = workload.podSpec.serviceAccountName;
    const path = [...workload.podSpecPath, 'serviceAccount'];
    if (typeof name !== 'string' || name === '') {
      yield { path, messageId: 'deprecated', data: { account: deprecated } };
    } else if (name !== deprecated) {
      yield {
        path,
        messageId: 'differs',
        data: { account: deprecated, name },
      };
    }
  },
});
