import { isVeleroSchedule, readSchedule, secretsExclusion } from '../kinds/velero.js';
import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'velero-schedule-excludes-secrets',
  title: 'Velero Schedule leaves Secrets out of its backups',
  severity: 'low',
  category: 'add-ons',
  description:
    "A Velero Schedule whose template lists secrets among excludedResources (or excludedNamespaceScopedResources), or lists includedResources (or includedNamespaceScopedResources) without secrets or `*`, makes backups that restore workloads without their credentials, TLS keys and service account tokens: after a disaster the restored applications do not start, and the Secrets have to be found elsewhere in a hurry. Leaving them out is sometimes deliberate (Secrets re-created from an external store, or kept out of the backup bucket): record that with an exception. Only Velero Schedules (velero.io) are judged.",
  remediation:
    'Remove secrets from the template\'s excludedResources (or add it to includedResources), and protect the backup storage location instead: encryption at rest and access limited to the restore role. If the Secrets come back from an external store, record that with an exception.',
  references: ['https://velero.io/docs/main/api-types/schedule/', 'https://velero.io/docs/main/resource-filtering/'],
  standards: { mitre: ['T1485'] },
  enabledByDefault: true,
  appliesTo: { kinds: ['Schedule'] },
  options: {},
  messages: {
    excluded: 'Velero Schedule "{{name}}" lists {{value}} in {{field}}: its backups restore nothing of the Secrets the workloads need',
    notIncluded: 'Velero Schedule "{{name}}" backs up only {{resources}} ({{field}}), not secrets: its backups restore nothing of the Secrets the workloads need',
  },
  *evaluate({ resource }) {
    if (!isVeleroSchedule(resource)) return;
    const schedule = readSchedule(resource);
    const exclusion = secretsExclusion(schedule);
    if (!exclusion.excluded) return;
    if (exclusion.how === 'excluded') {
      const value = String((schedule.template[exclusion.field] as unknown[])[exclusion.path[exclusion.path.length - 1] as number]);
      yield { path: exclusion.path, messageId: 'excluded', data: { name: resource.ref.name, value, field: `template.${exclusion.field}` } };
    } else {
      yield { path: exclusion.path, messageId: 'notIncluded', data: { name: resource.ref.name, resources: exclusion.included.join(', '), field: `template.${exclusion.field}` } };
    }
  },
});
