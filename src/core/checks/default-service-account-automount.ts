import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'default-service-account-automount',
  title: 'Default service account automounts its token',
  severity: 'low',
  category: 'service-accounts',
  description:
    "Every pod that names no service account runs as `default`; unless the default ServiceAccount sets automountServiceAccountToken: false, each of them receives an API token it most likely never needs.",
  remediation: 'Set automountServiceAccountToken: false on the default ServiceAccount of each namespace, and give workloads that call the API their own ServiceAccount.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
  ],
  standards: {
    cis: ['5.1.5'],
    nsa: ['Pod security: protecting pod service account tokens'],
    mitre: ['T1528'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['ServiceAccount'] },
  options: {},
  messages: {
    enabled: 'the default ServiceAccount of namespace "{{namespace}}" sets automountServiceAccountToken: true',
    unset: 'the default ServiceAccount of namespace "{{namespace}}" does not set automountServiceAccountToken: false',
  },
  *evaluate({ resource }) {
    if (resource.ref.name !== 'default') return;
    const value = resource.object.automountServiceAccountToken;
    if (value === false) return;
    yield {
      path: ['automountServiceAccountToken'],
      messageId: value === true ? 'enabled' : 'unset',
      data: { namespace: resource.ref.namespace ?? 'default' },
    };
  },
});
