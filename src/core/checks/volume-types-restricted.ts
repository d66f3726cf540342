import { defineCheck } from '../model/check.js';
import { asArray, asRecord, asString } from '../model/values.js';

/** The volume sources the restricted Pod Security Standard allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

export default defineCheck({
  id: 'volume-types-restricted',
  title: 'Volume type outside the restricted set',
  severity: 'low',
  category: 'host-access',
  description:
    'The restricted Pod Security Standard allows only volume types that do not reach into the node or external storage directly. Others (hostPath, nfs, iscsi, gitRepo, flexVolume...) bypass the storage layer cluster administrators control and some, like gitRepo, have allowed code execution on the node.',
  remediation: 'Use a persistentVolumeClaim (backed by a StorageClass or CSI driver) or one of configMap, csi, downwardAPI, emptyDir, ephemeral, projected or secret.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/concepts/storage/volumes/',
  ],
  standards: {
    pss: { level: 'restricted', control: 'Volume Types' },
    nsa: ['Pod security: pod security enforcement'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    allowedVolumeTypes: {
      type: 'string[]',
      default: RESTRICTED_VOLUME_TYPES,
      description: 'Volume source fields that are allowed (the restricted Pod Security Standard list by default).',
    },
  },
  messages: {
    restricted: 'volume "{{volume}}" uses the {{type}} volume type, which the restricted set does not include',
  },
  *evaluate({ workload, options }) {
    if (!workload) return;
    for (const [index, item] of asArray(workload.podSpec.volumes).entries()) {
      const volume = asRecord(item);
      if (!volume) continue;
      const name = asString(volume.name) ?? `#${index}`;
      // A volume with no source is defaulted to emptyDir by the API server.
      for (const [field, value] of Object.entries(volume)) {
        if (field === 'name' || value === null || value === undefined) continue;
        if (options.allowedVolumeTypes.includes(field)) continue;
        yield {
          path: [...workload.podSpecPath, 'volumes', index, field],
          messageId: 'restricted',
          data: { volume: name, type: field },
        };
      }
    }
  },
});
