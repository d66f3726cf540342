import { defineCheck } from '../model/check.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { classifyNamedValue } from '../credentials/detector.js';

export default defineCheck({
  id: 'env-literal-credential',
  title: 'Credential written into an environment variable',
  severity: 'high',
  category: 'secrets',
  description:
    "A credential written as a literal env value is stored in the manifest, in version control and in every copy of the object (etcd without Secret encryption, kubectl output, audit logs); anyone who can read the workload can read it. Detected by value shape (AWS, GitHub, GitLab, Slack, Stripe, npm, SendGrid and Google keys, JWTs, PEM private keys, passwords in URLs or connection strings) or by a credential-like name with a literal value; empty values, booleans, numbers, $(VAR) references, file paths and placeholders such as changeme are not reported.",
  remediation: 'Store the value in a Secret (or an external secret manager) and mount it as a file; rotate the exposed credential, since it is already in the history of this manifest.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/secret/',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  ],
  standards: {
    nsa: ['Network separation: secrets'],
    mitre: ['T1552.001'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    named: 'container "{{container}}" sets environment variable "{{variable}}" to a literal value, and its name suggests a credential',
    pattern: 'container "{{container}}" sets environment variable "{{variable}}" to a literal value that {{description}}',
  },
  *evaluate({ workload }) {
    for (const container of workload?.containers ?? []) {
      for (const [index, item] of asArray(container.container.env).entries()) {
        const env = asRecord(item);
        const value = asString(env?.value);
        const name = asString(env?.name);
        if (value === undefined || name === undefined) continue;
        const hit = classifyNamedValue(name, value);
        if (!hit) continue;
        yield {
          path: [...container.path, 'env', index, 'value'],
          messageId: hit.kind === 'credential-name' ? 'named' : 'pattern',
          data: { container: container.name, variable: name, description: hit.description },
          container: container.name,
        };
      }
    }
  },
});
