import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asRecord } from '../model/values.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { namespaceName } from '../kinds/namespaces.js';
import { POD_SECURITY_AUDIT, POD_SECURITY_ENFORCE, POD_SECURITY_WARN } from '../pod-security/pods.js';

export default defineCheck({
  id: 'namespace-without-pod-security-labels',
  title: 'Namespace does not enforce a Pod Security level',
  severity: 'medium',
  category: 'multi-tenancy',
  description:
    'Pod Security Admission blocks privileged, host-namespace and root pods only in namespaces labelled pod-security.kubernetes.io/enforce; without the label the cluster default applies, which is privileged (everything allowed) unless the admission configuration says otherwise. warn and audit labels only report violations, they block nothing.',
  remediation:
    'Label the namespace pod-security.kubernetes.io/enforce: restricted (or baseline where restricted is not yet possible), and pin pod-security.kubernetes.io/enforce-version.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
    'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/',
  ],
  standards: {
    nsa: ['Pod security: pod security enforcement'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Namespace'] },
  options: {
    ignoreNamespaces: ignoreNamespacesOption('a Pod Security enforce label'),
  },
  messages: {
    notEnforced: 'namespace "{{namespace}}" has pod-security {{modes}} labels but no enforce label: violations are reported, never blocked',
    missing: 'namespace "{{namespace}}" has no {{label}} label',
  },
  *evaluate({ resource, options }) {
    const name = namespaceName(resource.object);
    if (name === undefined || options.ignoreNamespaces.includes(name)) return;
    const labels = asRecord(metadataOf(resource.object).labels) ?? {};
    // Any value counts: Pod Security Admission treats an invalid enforce level as restricted.
    if (labels[POD_SECURITY_ENFORCE] !== undefined && labels[POD_SECURITY_ENFORCE] !== null) return;
    const modes = [POD_SECURITY_WARN, POD_SECURITY_AUDIT].filter((key) => labels[key] !== undefined && labels[key] !== null).map((key) => key.slice(key.indexOf('/') + 1));
    yield {
      path: ['metadata', 'labels'],
      messageId: modes.length > 0 ? 'notEnforced' : 'missing',
      data: { namespace: name, modes: modes.join(' and '), label: POD_SECURITY_ENFORCE },
    };
  },
});
