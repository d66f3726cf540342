import { defineCheck } from '../model/check.js';
import { asArray, asRecord, asString } from '../model/values.js';

export default defineCheck({
  id: 'secret-in-env',
  title: 'Secret exposed as environment variables',
  severity: 'low',
  category: 'secrets',
  description:
    "Environment variables leak: they are inherited by every child process, shown by crash reporters, debug endpoints and `kubectl describe`-style tooling, readable through /proc/<pid>/environ, and never updated when the Secret rotates. Secrets mounted as files avoid all of this.",
  remediation: 'Mount the Secret as a volume (optionally with items: to pick keys) and have the application read the file; keep secretKeyRef only for software that cannot read files.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  ],
  standards: {
    cis: ['5.4.1'],
    nsa: ['Network separation: secrets'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    key: 'container "{{container}}" reads key "{{key}}" of Secret "{{secret}}" into environment variable "{{variable}}"',
    everyKey: 'container "{{container}}" loads every key of Secret "{{secret}}" into its environment',
  },
  *evaluate({ workload }) {
    for (const container of workload?.containers ?? []) {
      for (const [index, item] of asArray(container.container.env).entries()) {
        const env = asRecord(item);
        const ref = asRecord(asRecord(env?.valueFrom)?.secretKeyRef);
        if (!env || !ref) continue;
        const variable = asString(env.name) ?? `#${index}`;
        const secret = asString(ref.name) ?? '';
        const key = asString(ref.key) ?? '';
        yield {
          path: [...container.path, 'env', index, 'valueFrom', 'secretKeyRef'],
          messageId: 'key',
          data: { container: container.name, key, secret, variable },
          container: container.name,
        };
      }
      for (const [index, item] of asArray(container.container.envFrom).entries()) {
        const ref = asRecord(asRecord(item)?.secretRef);
        if (!ref) continue;
        yield {
          path: [...container.path, 'envFrom', index, 'secretRef'],
          messageId: 'everyKey',
          data: { container: container.name, secret: asString(ref.name) ?? '' },
          container: container.name,
        };
      }
    }
  },
});
