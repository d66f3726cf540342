import { defineCheck } from '../model/check.js';
import { asArray } from '../model/values.js';
import { scanCommandLine } from '../credentials/command-line.js';

export default defineCheck({
  id: 'credentials-in-command',
  title: "Credential written into a container's command or arguments",
  severity: 'high',
  category: 'secrets',
  description:
    "A credential passed on the command line is stored in the manifest, in version control and in every copy of the object, and at run time it is in /proc/<pid>/cmdline, readable by every process of the pod and shown by ps on the node and by crash reports. Detected with the detectors of env-literal-credential: token shapes anywhere in an argument, credential-like flags (`--db-password=...`, `--api-key ...`, `--from-literal=password=...`) and, in scripts (`sh -c`), `KEY=value` assignments and config lines with credential-like names; references such as $(VAR) and ${VAR}, file paths and placeholders are not reported.",
  remediation:
    'Pass the credential through a file mounted from a Secret (most programs take a --password-file or similar flag) or, failing that, an environment variable from secretKeyRef referenced as $(VAR); rotate the exposed credential, since it is already in the history of this manifest.',
  references: [
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/',
  ],
  standards: { nsa: ['Network separation: secrets'], mitre: ['T1552.001'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    named: 'container "{{container}}" {{field}}[{{index}}]: "{{name}}" is set to a literal value, and its name suggests a credential',
    pattern: 'container "{{container}}" {{field}}[{{index}}] holds a value that {{description}}',
    patternNamed: 'container "{{container}}" {{field}}[{{index}}] ("{{name}}") holds a value that {{description}}',
    lineNamed: 'container "{{container}}" {{field}}[{{index}}], line {{line}}: "{{name}}" is set to a literal value, and its name suggests a credential',
    linePattern: 'container "{{container}}" {{field}}[{{index}}], line {{line}} holds a value that {{description}}',
    linePatternNamed: 'container "{{container}}" {{field}}[{{index}}], line {{line}} ("{{name}}") holds a value that {{description}}',
  },
  *evaluate({ workload }) {
    for (const container of workload?.containers ?? []) {
      for (const field of ['command', 'args'] as const) {
        for (const found of scanCommandLine(asArray(container.container[field]))) {
          // Never the value: the argument, the line, the flag or variable and what the value looks like.
          const data = { container: container.name, field, index: found.index, line: found.line, name: found.name, description: found.hit.description };
          const named = found.hit.kind === 'credential-name';
          const messageId =
            found.line === undefined
              ? named ? 'named' : found.name !== undefined ? 'patternNamed' : 'pattern'
              : named ? 'lineNamed' : found.name !== undefined ? 'linePatternNamed' : 'linePattern';
          yield { path: [...container.path, field, found.index], messageId, data, container: container.name };
        }
      }
    }
  },
});
