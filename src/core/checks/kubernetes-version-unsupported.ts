import { defineCheck, type Violation } from '../model/check.js';
import { CLUSTER_VERSION_KIND, dataNote, kubernetesVersions, minorOf, supportOf, type RunningVersion } from '../releases/kubernetes-releases.js';

function judge({ version, path, what, container }: RunningVersion, now: Date): Violation<'endOfLife' | 'olderThanData'> | undefined {
  const minor = minorOf(version);
  if (!minor) return undefined;
  const support = supportOf(minor, now);
  const base = { path, ...(container ? { container } : {}) };
  switch (support.state) {
    case 'end-of-life':
      return { ...base, messageId: 'endOfLife', data: { subject: what, version, minor, endOfLife: support.endOfLife, dataNote: dataNote(now) } };
    case 'unknown-older':
      return { ...base, messageId: 'olderThanData', data: { subject: what, version, dataNote: dataNote(now) } };
    case 'unknown-newer':
    case 'supported':
      return undefined;
  }
}

export default defineCheck({
  id: 'kubernetes-version-unsupported',
  title: 'Kubernetes version out of support',
  severity: 'high',
  category: 'control-plane',
  description:
    'A Kubernetes minor release gets security fixes for about 14 months; after its end of life, vulnerabilities in the API server, kubelet and kube-proxy stay open. Judged from the API server version (scan --cluster) or the kube-apiserver static pod image tag, against a dated table of releases: the finding says how old the table is, and a version newer than the table is not judged.',
  remediation: 'Upgrade the control plane and nodes to a supported minor release, one minor at a time, and keep patch releases current.',
  references: ['https://kubernetes.io/releases/', 'https://kubernetes.io/releases/version-skew-policy/'],
  standards: { nsa: ['Upgrading and application security practices'], mitre: ['T1068'] },
  enabledByDefault: true,
  appliesTo: { kinds: [CLUSTER_VERSION_KIND, 'DaemonSet', 'Deployment', 'Pod', 'PodTemplate'] },
  options: {},
  messages: {
    endOfLife: '{{subject}} runs Kubernetes {{version}}: {{minor}} reached end of life on {{endOfLife}} and gets no security fixes ({{dataNote}})',
    olderThanData: '{{subject}} runs Kubernetes {{version}}, older than every release in the data: long out of support ({{dataNote}})',
  },
  *evaluate({ resource, workload, now }) {
    for (const running of kubernetesVersions(resource, workload)) {
      const violation = judge(running, now);
      if (violation) yield violation;
    }
  },
});
