import { isVeleroSchedule, readSchedule, scheduleTtl } from '../kinds/velero.js';
import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'velero-schedule-ttl-missing',
  title: 'Velero Schedule does not say how long its backups are kept',
  severity: 'info',
  category: 'add-ons',
  description:
    "A Velero Schedule without `template.ttl` (or with a zero one) keeps its backups for whatever the Velero server's --default-backup-ttl says, 30 days unless changed: how far back a restore can go, and how long deleted data and old Secrets stay in the backup bucket, is then decided by a server flag nobody reviews with the schedule, and changes silently with it. Only Velero Schedules (velero.io) are judged.",
  remediation: 'Set spec.template.ttl to the retention the schedule needs (for example 720h0m0s for 30 days, 2160h0m0s for 90).',
  references: ['https://velero.io/docs/main/api-types/schedule/', 'https://velero.io/docs/main/how-velero-works/#set-a-backup-to-expire'],
  standards: {},
  enabledByDefault: true,
  appliesTo: { kinds: ['Schedule'] },
  options: {},
  messages: {
    missing: 'Velero Schedule "{{name}}" sets no template.ttl: its backups are kept for the server\'s --default-backup-ttl (30 days unless changed)',
    zero: 'Velero Schedule "{{name}}" sets template.ttl to {{ttl}}, which Velero reads as unset: its backups are kept for the server\'s --default-backup-ttl (30 days unless changed)',
  },
  *evaluate({ resource }) {
    if (!isVeleroSchedule(resource)) return;
    const schedule = readSchedule(resource);
    if (scheduleTtl(schedule) !== undefined) return;
    const written = schedule.template.ttl;
    if (typeof written === 'string' && written.trim() !== '') {
      yield { path: [...schedule.templatePath, 'ttl'], messageId: 'zero', data: { name: resource.ref.name, ttl: written } };
      return;
    }
    const hasTemplate = typeof resource.object.spec === 'object' && resource.object.spec !== null && 'template' in resource.object.spec;
    yield { path: hasTemplate ? schedule.templatePath : ['spec'], messageId: 'missing', data: { name: resource.ref.name } };
  },
});
