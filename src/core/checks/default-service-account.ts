import { defineCheck } from '../model/check.js';
import { podServiceAccount, projectedTokenVolumes } from '../kinds/service-accounts.js';
import { tokenAutomount } from './support/service-accounts.js';

export default defineCheck({
  id: 'default-service-account',
  title: 'Pod uses the default service account with a token',
  severity: 'low',
  category: 'service-accounts',
  description:
    "Every pod of a namespace that does not name a service account runs as `default`: permissions granted to it for one workload reach all of them, and its token identifies none of them. Reported only when the pod actually receives a token (automounted or projected); without one the identity is never used.",
  remediation:
    'Create a ServiceAccount for the workload and set spec.serviceAccountName, or set automountServiceAccountToken: false when the workload does not call the Kubernetes API.',
  references: [
    'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
  ],
  standards: {
    cis: ['5.1.5'],
    nsa: ['Pod security: protecting pod service account tokens'],
    mitre: ['T1078.001'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['ServiceAccount'], scope: 'namespace' },
  options: {},
  messages: {
    unnamedMounted: 'the pod sets no serviceAccountName, so it runs as "default", with its API token mounted',
    namedMounted: 'the pod runs as the "default" service account, with its API token mounted',
    unnamedProjected: 'the pod sets no serviceAccountName, so it runs as "default" and requests its token through projected volume "{{volume}}"',
    namedProjected: 'the pod runs as the "default" service account and requests its token through projected volume "{{volume}}"',
  },
  *evaluate({ workload, resource, inventory }) {
    if (!workload) return;
    const account = podServiceAccount(workload);
    if (account.name !== 'default') return;
    const unnamed = account.source === 'default';
    if (tokenAutomount(workload, resource, inventory).mounted) {
      yield { path: account.path, messageId: unnamed ? 'unnamedMounted' : 'namedMounted' };
      return;
    }
    const projected = projectedTokenVolumes(workload)[0];
    if (projected) yield { path: account.path, messageId: unnamed ? 'unnamedProjected' : 'namedProjected', data: { volume: projected.name } };
  },
});
