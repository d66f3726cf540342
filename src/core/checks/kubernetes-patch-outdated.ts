import { defineCheck } from '../model/check.js';
import { CLUSTER_VERSION_KIND, dataNote, kubernetesVersions, latestPatchOn, minorOf, patchOf, supportOf } from '../releases/kubernetes-releases.js';

export default defineCheck({
  id: 'kubernetes-patch-outdated',
  title: 'Kubernetes patch release behind',
  severity: 'medium',
  category: 'control-plane',
  description:
    'Security fixes for a supported Kubernetes minor release ship only as patch releases: a cluster on an older patch keeps vulnerabilities that are already fixed and published. Judged against the newest patch of its minor in the dated release data (generated from the Go module proxy); a patch released after the scan date is not held against it.',
  remediation: 'Upgrade the control plane and then the nodes to the newest patch release of the minor release in use.',
  references: ['https://kubernetes.io/releases/patch-releases/', 'https://kubernetes.io/releases/'],
  standards: { nsa: ['Upgrading and application security practices'], mitre: ['T1068'] },
  enabledByDefault: true,
  appliesTo: { kinds: [CLUSTER_VERSION_KIND, 'DaemonSet', 'Deployment', 'Pod', 'PodTemplate'] },
  options: {},
  messages: {
    behind: '{{subject}} runs Kubernetes {{version}}: the newest {{minor}} patch is {{minor}}.{{latest}} (released {{released}}), {{behind}} patch release(s) of fixes behind ({{dataNote}})',
  },
  *evaluate({ resource, workload, now }) {
    for (const { version, path, what, container } of kubernetesVersions(resource, workload)) {
      const minor = minorOf(version);
      const patch = patchOf(version);
      if (!minor || patch === undefined) continue;
      // An unsupported minor is kubernetes-version-unsupported's finding, not this one's.
      const support = supportOf(minor, now);
      if (support.state !== 'supported') continue;
      const latest = latestPatchOn(support.release, now);
      if (!latest || patch >= latest.patch) continue;
      const behind = support.release.patches.slice(patch + 1, latest.patch + 1).filter((date) => date !== null).length;
      yield {
        path,
        ...(container ? { container } : {}),
        messageId: 'behind',
        data: { subject: what, version, minor, latest: latest.patch, released: latest.released, behind, dataNote: dataNote(now) },
      };
    }
  },
});
