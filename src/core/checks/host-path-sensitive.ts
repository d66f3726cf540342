import { defineCheck } from '../model/check.js';
import { DEFAULT_SENSITIVE_HOST_PATHS, hostPathExposures, matchSensitivePath, type SensitiveMatch } from '../pod-security/host-paths.js';

/** The messages saying how the mounted path relates to the sensitive one, for a subPath mount and for a volume. */
const RELATION = {
  equal: { subPath: 'subPathEqual', volume: 'volumeEqual' },
  contains: { subPath: 'subPathContains', volume: 'volumeContains' },
  inside: { subPath: 'subPathInside', volume: 'volumeInside' },
} as const satisfies Record<SensitiveMatch['relation'], { subPath: string; volume: string }>;

export default defineCheck({
  id: 'host-path-sensitive',
  title: 'Pod mounts a sensitive host path',
  severity: 'critical',
  category: 'host-access',
  description:
    "Mounting the node's root, system directories, kubelet or container runtime state, credentials or logs hands the pod the node: it can read kubelet and control-plane credentials and other pods' secrets, and, where writable, take over the host.",
  remediation: 'Remove the hostPath volume; if an agent truly needs node files, mount only the specific file or directory it reads, read-only, and isolate that agent in its own namespace.',
  references: [
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  ],
  standards: {
    cis: ['5.2.12'],
    nsa: ['Pod security: pod security enforcement'],
    mitre: ['T1611', 'T1552.001'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    sensitivePaths: {
      type: 'string[]',
      default: DEFAULT_SENSITIVE_HOST_PATHS,
      description:
        'Sensitive host paths. A path matches itself and its ancestors (mounting /var exposes /var/log); a path ending in /** also matches everything below it.',
    },
  },
  messages: {
    subPathEqual: 'container "{{container}}" mounts subPath "{{subPath}}" of volume "{{volume}}": the sensitive host path {{hostPath}}',
    subPathContains: 'container "{{container}}" mounts subPath "{{subPath}}" of volume "{{volume}}": the host path {{hostPath}}, which contains the sensitive path {{entry}}',
    subPathInside: 'container "{{container}}" mounts subPath "{{subPath}}" of volume "{{volume}}": the host path {{hostPath}}, inside the sensitive path {{entry}}',
    volumeEqual: 'volume "{{volume}}" mounts the sensitive host path {{hostPath}}',
    volumeContains: 'volume "{{volume}}" mounts the host path {{hostPath}}, which contains the sensitive path {{entry}}',
    volumeInside: 'volume "{{volume}}" mounts the host path {{hostPath}}, inside the sensitive path {{entry}}',
  },
  *evaluate({ workload, options }) {
    if (!workload) return;
    for (const exposure of hostPathExposures(workload)) {
      const match = matchSensitivePath(exposure.hostPath, options.sensitivePaths);
      if (!match) continue;
      const data = { volume: exposure.volume.name, hostPath: exposure.hostPath, entry: match.entry };
      if (exposure.container !== undefined) {
        yield {
          path: exposure.path,
          messageId: RELATION[match.relation].subPath,
          data: { ...data, container: exposure.container, subPath: exposure.subPath },
          container: exposure.container,
        };
      } else {
        yield { path: exposure.path, messageId: RELATION[match.relation].volume, data };
      }
    }
  },
});
