import { defineCheck } from '../model/check.js';
import { asRecord } from '../model/values.js';

const CONTROLLER_FILLED = new Set(['kubernetes.io/service-account-token']);

export default defineCheck({
  id: 'secret-data-in-manifest',
  title: 'Secret values committed in a manifest',
  severity: 'low',
  category: 'secrets',
  description:
    "A Secret with data or stringData in a manifest file puts the values in version control, where base64 protects nothing and history keeps them after rotation. Off by default: it also fires on generated or test manifests, and on every Secret read from a cluster.",
  remediation: 'Keep Secret values out of the repository: generate them at deploy time, or commit them encrypted (Sealed Secrets, SOPS) or as references (External Secrets Operator).',
  references: [
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://kubernetes.io/docs/concepts/configuration/secret/',
  ],
  standards: {
    nsa: ['Network separation: secrets'],
    mitre: ['T1552.001'],
  },
  enabledByDefault: false,
  appliesTo: { kinds: ['Secret'] },
  options: {},
  messages: {
    oneValue: "the Secret's {{field}} holds a value in the manifest (keys: {{keys}})",
    values: "the Secret's {{field}} holds {{count}} values in the manifest (keys: {{keys}})",
  },
  *evaluate({ resource }) {
    const type = typeof resource.object.type === 'string' ? resource.object.type : 'Opaque';
    if (CONTROLLER_FILLED.has(type)) return;
    for (const field of ['data', 'stringData'] as const) {
      const keys = Object.keys(asRecord(resource.object[field]) ?? {}).filter((key) => {
        const value = (resource.object[field] as Record<string, unknown>)[key];
        return value !== null && value !== undefined && value !== '';
      });
      if (keys.length === 0) continue;
      yield {
        path: [field],
        messageId: keys.length === 1 ? 'oneValue' : 'values',
        // The names of the keys, never their values.
        data: { field, count: keys.length, keys: keys.map((key) => `"${key}"`).join(', ') },
      };
    }
  },
});
