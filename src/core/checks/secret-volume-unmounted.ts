import { defineCheck } from '../model/check.js';
import { mountedVolumeNames, secretVolumes } from '../kinds/secret-references.js';

export default defineCheck({
  id: 'secret-volume-unmounted',
  title: 'Secret volume mounted by no container',
  severity: 'low',
  category: 'secrets',
  description:
    "The kubelet fetches every Secret of a pod's secret and projected volumes and writes it to the node (tmpfs under /var/lib/kubelet/pods) whether or not a container mounts the volume, and an ephemeral container added later (kubectl debug) can mount it. A volume no container mounts gives the pod credentials it does not use, and often outlives the code that needed them.",
  remediation: 'Remove the volume from the pod spec, or mount it in the container that needs it; when only some keys are needed, list them under items.',
  references: ['https://kubernetes.io/docs/concepts/security/secrets-good-practices/', 'https://kubernetes.io/docs/concepts/storage/volumes/#secret'],
  standards: { nsa: ['Network separation: secrets'], mitre: ['T1552.001'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    secret: 'volume "{{volume}}" holds Secret "{{secrets}}" but no container mounts it',
    projected: 'projected volume "{{volume}}" holds Secret(s) {{secrets}} but no container mounts it',
  },
  *evaluate({ workload }) {
    if (!workload || workload.containers.length === 0) return;
    const mounted = mountedVolumeNames(workload);
    for (const volume of secretVolumes(workload)) {
      if (mounted.has(volume.name)) continue;
      yield volume.type === 'secret'
        ? { path: volume.path, messageId: 'secret', data: { volume: volume.name, secrets: volume.secrets[0] ?? '' } }
        : { path: volume.path, messageId: 'projected', data: { volume: volume.name, secrets: volume.secrets.map((name) => `"${name}"`).join(', ') } };
    }
  },
});
