import { defineCheck } from '../model/check.js';
import { asRecord } from '../model/values.js';
import { classifyNamedValue, scanConfigText } from '../credentials/detector.js';
import { base64Text } from '../credentials/base64-text.js';

export default defineCheck({
  id: 'configmap-credential',
  title: 'Credential stored in a ConfigMap',
  severity: 'high',
  category: 'secrets',
  description:
    "ConfigMaps are not meant for secrets: they are readable by far more roles than Secrets, never encrypted at rest, and printed freely by tooling. Each data key is checked by name and value, and each line of an embedded config file for `key: value` / `KEY=value` pairs with credential-like names and for token, JWT and private key shapes; binaryData keys the same way once decoded, when they hold text (the first 256 KiB; binary content is not judged).",
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
  messages: {
    namedKey: 'key "{{key}}" holds a literal value, and its name suggests a credential',
    patternKey: 'key "{{key}}" holds a value that {{description}}',
    lineNamed: 'key "{{key}}", line {{line}}: "{{name}}" is set to a literal value, and its name suggests a credential',
    settingNamed: 'key "{{key}}": "{{name}}" is set to a literal value, and its name suggests a credential',
    linePattern: 'key "{{key}}", line {{line}} {{description}}',
    linePatternNamed: 'key "{{key}}", line {{line}} ("{{name}}") {{description}}',
    settingPattern: 'key "{{key}}" {{description}}',
    settingPatternNamed: 'key "{{key}}" ("{{name}}") {{description}}',
  },
  *evaluate({ resource }) {
    const entries: Array<[field: 'data' | 'binaryData', key: string, value: string]> = [];
    for (const [key, raw] of Object.entries(asRecord(resource.object.data) ?? {})) {
      if (raw === null || raw === undefined || typeof raw === 'object') continue;
      entries.push(['data', key, String(raw)]);
    }
    // binaryData is base64: judged as text when it decodes to text.
    for (const [key, raw] of Object.entries(asRecord(resource.object.binaryData) ?? {})) {
      const text = typeof raw === 'string' ? base64Text(raw) : undefined;
      if (text !== undefined) entries.push(['binaryData', key, text]);
    }
    for (const [field, key, value] of entries) {
      const path = [field, key];
      // A block scalar ends with a newline: one line of content is still a single value.
      const multiline = value.trimEnd().includes('\n');
      if (!multiline) {
        // A single value: judged by its key and shape, or as a one-line config (`password=...`).
        const hit = classifyNamedValue(key, value);
        if (hit) {
          if (hit.kind === 'credential-name') yield { path, messageId: 'namedKey', data: { key } };
          else yield { path, messageId: 'patternKey', data: { key, description: hit.description } };
          continue;
        }
      }
      for (const line of scanConfigText(value)) {
        // Never the value: the key, the line, the setting's name and what the value looks like.
        const data = { key, line: line.line, name: line.key ?? '', description: line.hit.description };
        if (line.hit.kind === 'credential-name') yield { path, messageId: multiline ? 'lineNamed' : 'settingNamed', data };
        else if (line.key !== undefined) yield { path, messageId: multiline ? 'linePatternNamed' : 'settingPatternNamed', data };
        else yield { path, messageId: multiline ? 'linePattern' : 'settingPattern', data };
      }
    }
  },
});
