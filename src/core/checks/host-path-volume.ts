import { defineCheck } from '../model/check.js';
import { hostPathVolumes } from '../pod-security/host-paths.js';

export default defineCheck({
  id: 'host-path-volume',
  title: 'Pod mounts a host path',
  severity: 'medium',
  category: 'host-access',
  description:
    "A hostPath volume gives the pod direct access to the node's filesystem: it can read other workloads' data and node credentials, and write files the node trusts. It also ties the pod to what one node happens to hold.",
  remediation: 'Replace the hostPath volume with a persistentVolumeClaim, configMap, secret, emptyDir or a CSI volume; when node access is unavoidable, mount the narrowest path read-only.',
  references: [
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  ],
  standards: {
    pss: { level: 'baseline', control: 'HostPath Volumes' },
    cis: ['5.2.12'],
    nsa: ['Pod security: pod security enforcement'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    noPath: 'volume "{{volume}}" is a hostPath volume without a path',
    mounts: 'volume "{{volume}}" mounts the host path {{hostPath}}',
  },
  *evaluate({ workload }) {
    if (!workload) return;
    for (const volume of hostPathVolumes(workload)) {
      yield {
        path: volume.pathField,
        messageId: volume.rawPath === '' ? 'noPath' : 'mounts',
        data: { volume: volume.name, hostPath: volume.hostPath },
      };
    }
  },
});
