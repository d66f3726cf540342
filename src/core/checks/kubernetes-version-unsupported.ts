import { defineCheck, type Violation } from '../model/check.js';
import type { Path } from '../model/location.js';
import { asString } from '../model/values.js';
import { readInvocation } from './support/flags.js';
import { dataAgeDays, minorOf, RELEASE_DATA_AS_OF, supportOf } from './support/kubernetes-releases.js';

/** The kind `scan --cluster` gives the API server's /version answer. */
export const CLUSTER_VERSION_KIND = 'ClusterVersion';

function judge(version: string, path: Path, what: string, now: Date, container?: string): Violation | undefined {
  const minor = minorOf(version);
  if (!minor) return undefined;
  const support = supportOf(minor, now);
  const data = `release data as of ${RELEASE_DATA_AS_OF}, ${dataAgeDays(now)} days old`;
  const base = { path, ...(container ? { container } : {}) };
  switch (support.state) {
    case 'end-of-life':
      return { ...base, message: `${what} runs Kubernetes ${version}: ${minor} reached end of life on ${support.endOfLife} and gets no security fixes (${data})` };
    case 'unknown-older':
      return { ...base, message: `${what} runs Kubernetes ${version}, older than every release in the data: long out of support (${data})` };
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
  *evaluate({ resource, workload, now }) {
    if (resource.ref.kind === CLUSTER_VERSION_KIND) {
      const version = asString(resource.object.gitVersion);
      const violation = version ? judge(version, ['gitVersion'], 'the API server', now) : undefined;
      if (violation) yield violation;
      return;
    }
    for (const container of workload?.containers ?? []) {
      const invocation = readInvocation(container);
      if (invocation?.component !== 'kube-apiserver') continue;
      const image = asString(container.container.image) ?? '';
      const tag = /:([^:@/]+)(?:@.*)?$/.exec(image)?.[1];
      const violation = tag ? judge(tag, [...container.path, 'image'], `container "${container.name}" (kube-apiserver)`, now, container.name) : undefined;
      if (violation) yield violation;
    }
  },
});
