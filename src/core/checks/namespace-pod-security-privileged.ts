import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asRecord } from '../model/values.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { namespaceName } from '../kinds/namespaces.js';
import { POD_SECURITY_ENFORCE } from '../pod-security/pods.js';

export default defineCheck({
  id: 'namespace-pod-security-privileged',
  title: 'Namespace enforces the privileged Pod Security level',
  severity: 'medium',
  category: 'multi-tenancy',
  description:
    'pod-security.kubernetes.io/enforce: privileged switches Pod Security Admission off for the namespace: anyone who can create pods there can run privileged containers, share host namespaces and mount the host filesystem, which is a path to the node.',
  remediation:
    'Set pod-security.kubernetes.io/enforce to baseline or restricted; keep privileged only for namespaces of trusted system components, listed in ignoreNamespaces.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  ],
  standards: {
    nsa: ['Pod security: pod security enforcement'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Namespace'] },
  options: {
    ignoreNamespaces: {
      ...ignoreNamespacesOption(''),
      description: 'Namespaces allowed to enforce the privileged level (the control plane\'s own namespaces by default).',
    },
  },
  messages: {
    privileged: 'namespace "{{namespace}}" enforces the privileged Pod Security level (no restriction)',
  },
  *evaluate({ resource, options }) {
    const name = namespaceName(resource.object);
    if (name === undefined || options.ignoreNamespaces.includes(name)) return;
    const value = asRecord(metadataOf(resource.object).labels)?.[POD_SECURITY_ENFORCE];
    if (value !== 'privileged') return;
    yield { path: ['metadata', 'labels', POD_SECURITY_ENFORCE], messageId: 'privileged', data: { namespace: name } };
  },
});
