import { defineCheck } from '../model/check.js';
import { asRecord } from '../model/values.js';
import { classifyNamedValue, scanConfigText } from '../credentials/detector.js';

export default defineCheck({
  id: 'configmap-credential',
  title: 'Credential stored in a ConfigMap',
  severity: 'high',
  category: 'secrets',
  description:
    "ConfigMaps are not meant for secrets: they are readable by far more roles than Secrets, never encrypted at rest, and printed freely by tooling. Each data key is checked by name and value, and each line of an embedded config file for `key: value` / `KEY=value` pairs with credential-like names and for token, JWT and private key shapes.",
  remediation: 'Move the credential into a Secret (or an external secret manager) and mount it as a file next to the configuration; rotate the exposed credential.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/configmap/',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  ],
  standards: {
    nsa: ['Network separation: secrets'],
    mitre: ['T1552.001'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['ConfigMap'] },
  options: {},
  *evaluate({ resource }) {
    const data = asRecord(resource.object.data);
    if (!data) return;
    for (const [key, raw] of Object.entries(data)) {
      if (raw === null || raw === undefined || typeof raw === 'object') continue;
      const value = String(raw);
      const path = ['data', key];
      // A block scalar ends with a newline: one line of content is still a single value.
      const multiline = value.trimEnd().includes('\n');
      if (!multiline) {
        // A single value: judged by its key and shape, or as a one-line config (`password=...`).
        const hit = classifyNamedValue(key, value);
        if (hit) {
          yield {
            path,
            message:
              hit.kind === 'credential-name'
                ? `key "${key}" holds a literal value, and its name suggests a credential`
                : `key "${key}" holds a value that ${hit.description}`,
          };
          continue;
        }
      }
      for (const line of scanConfigText(value)) {
        const where = multiline ? `key "${key}", line ${line.line}` : `key "${key}"`;
        yield {
          path,
          message:
            line.hit.kind === 'credential-name'
              ? `${where}: "${line.key ?? ''}" is set to a literal value, and its name suggests a credential`
              : `${where}${line.key !== undefined ? ` ("${line.key}")` : ''} ${line.hit.description}`,
        };
      }
    }
  },
});
