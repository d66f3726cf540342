import { defineCheck } from '../model/check.js';
import { podServiceAccount } from '../kinds/service-accounts.js';
import { tokenAutomount } from './support/service-accounts.js';

export default defineCheck({
  id: 'service-account-token-automount',
  title: 'Service account token is mounted',
  severity: 'low',
  category: 'service-accounts',
  description:
    "Unless the pod or its ServiceAccount sets automountServiceAccountToken: false, every container gets an API token at /var/run/secrets/kubernetes.io/serviceaccount; an attacker who gains code execution uses it to talk to the API server with the service account's permissions. The pod's field wins over the ServiceAccount's; a ServiceAccount outside the scanned objects counts as unset. A pod that sets automountServiceAccountToken: true has declared that it needs the token and is reported only with the reportExplicitTrue option.",
  remediation:
    'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount) when the workload does not call the Kubernetes API; when it does, give it a dedicated ServiceAccount with minimal RBAC.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    'https://kubernetes.io/docs/concepts/security/service-accounts/',
  ],
  standards: {
    cis: ['5.1.6'],
    nsa: ['Pod security: protecting pod service account tokens'],
    mitre: ['T1528', 'T1552.007'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['ServiceAccount'], scope: 'namespace' },
  options: {
    reportExplicitTrue: {
      type: 'boolean',
      default: false,
      description: 'Also report pods that set automountServiceAccountToken: true themselves (a deliberate opt-in, typical of operators that call the API).',
    },
  },
  messages: {
    podTrue: 'the pod sets automountServiceAccountToken: true: the API token of service account "{{account}}" is mounted',
    serviceAccountTrue: 'the pod does not set automountServiceAccountToken and ServiceAccount "{{account}}" sets it to true: its API token is mounted',
    neither: 'neither the pod nor ServiceAccount "{{account}}" sets automountServiceAccountToken: false: its API token is mounted',
    unknownAccount: 'the pod does not set automountServiceAccountToken: false (ServiceAccount "{{account}}" is not among the scanned objects): its API token is mounted',
  },
  fix: {
    description:
      'Sets automountServiceAccountToken: false on the pod. A workload that calls the Kubernetes API then has no token: give it back with automountServiceAccountToken: true and a dedicated, minimal ServiceAccount.',
    edits({ workload }, finding) {
      // A pod that sets true itself has said it needs the token: not changed.
      if (!workload || finding.messageId === 'podTrue') return [];
      return [{ kind: 'set', path: [...workload.podSpecPath, 'automountServiceAccountToken'], value: false }];
    },
  },
  *evaluate({ workload, resource, inventory, options }) {
    if (!workload) return;
    const decision = tokenAutomount(workload, resource, inventory);
    if (!decision.mounted) return;
    const account = podServiceAccount(workload).name;
    switch (decision.decidedBy) {
      case 'pod':
        if (!options.reportExplicitTrue) return;
        yield { path: decision.path, messageId: 'podTrue', data: { account } };
        return;
      case 'service-account':
        yield {
          path: workload.podSpecPath,
          messageId: 'serviceAccountTrue',
          data: { account },
        };
        return;
      case 'default':
        yield {
          path: workload.podSpecPath,
          messageId: decision.serviceAccount ? 'neither' : 'unknownAccount',
          data: { account },
        };
        return;
    }
  },
});
