import { defineCheck } from '../model/check.js';
import { asString } from '../model/values.js';
import { hostPathVolumes, joinHostPath, mountsOf } from '../pod-security/host-paths.js';

export default defineCheck({
  id: 'host-path-writable',
  title: 'Container mounts a host path writable',
  severity: 'high',
  category: 'host-access',
  description:
    "A writable host path lets the container change files on the node: plant binaries, cron jobs or static pod manifests, replace configuration, or create symlinks the kubelet follows. hostPath volumes are writable unless each volumeMount sets readOnly: true.",
  remediation: 'Set readOnly: true on every volumeMount of a hostPath volume, or replace the volume with one that does not reach into the node.',
  references: [
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#volumes-1',
  ],
  standards: {
    cis: ['5.2.12'],
    nsa: ['Pod security: immutable container file systems'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    writable: 'container "{{container}}" mounts the host path {{hostPath}} (volume "{{volume}}") writable',
  },
  *evaluate({ workload }) {
    if (!workload) return;
    for (const volume of hostPathVolumes(workload)) {
      for (const { container, mount, path } of mountsOf(workload, volume.name)) {
        if (mount.readOnly === true) continue;
        const subPath = asString(mount.subPath);
        const hostPath = subPath ? joinHostPath(volume.rawPath, subPath) : volume.hostPath;
        yield {
          path: mount.readOnly === undefined || mount.readOnly === null ? path : [...path, 'readOnly'],
          messageId: 'writable',
          data: { container: container.name, hostPath, volume: volume.name },
          container: container.name,
        };
      }
    }
  },
});
