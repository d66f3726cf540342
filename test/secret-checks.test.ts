import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanText } from './support/scan.js';
import { repoPath } from './support/paths.js';

/**
 * The secret checks must never echo a credential: messages name keys and
 * shapes only. Checked on generated objects (any value, any credential
 * name) and on every value of the recorded fixtures.
 */

const credentialName = fc.constantFrom('DB_PASSWORD', 'apiKey', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'private_key', 'db.password', 'SMTP_PASS');
// Values with at least one letter and one digit, so they are not numbers, booleans or placeholders.
const secretValue = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!%&*+=@^_~-]{6,30}[0-9]$/);

function podWithEnv(name: string, value: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    'spec:',
    '  containers:',
    '    - name: app',
    '      image: app:1.0',
    '      env:',
    `        - name: ${JSON.stringify(name)}`,
    `          value: ${JSON.stringify(value)}`,
  ].join('\n');
}

function configMapWith(file: string): string {
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', 'data:', `  app.conf: ${JSON.stringify(file)}`].join('\n');
}

describe('secret checks never echo the value', () => {
  it('env-literal-credential reports credential-named literals by name only', () => {
    fc.assert(
      fc.property(credentialName, secretValue, (name, value) => {
        const { findings } = scanText(podWithEnv(name, value), { only: ['env-literal-credential'] });
        assert.equal(findings.length, 1, `${name}=${value}`);
        assert.ok(findings[0]!.message.includes(`"${name}"`));
        assert.ok(!findings[0]!.message.includes(value));
      }),
    );
  });

  it('configmap-credential reports config lines by key and line only', () => {
    fc.assert(
      fc.property(credentialName, secretValue, fc.constantFrom(': ', '=', ' = '), fc.nat({ max: 3 }), (name, value, separator, padding) => {
        const file = `${'setting: 1\n'.repeat(padding)}${name}${separator}${value}\nother: 2\n`;
        const { findings } = scanText(configMapWith(file), { only: ['configmap-credential'] });
        assert.equal(findings.length, 1, file);
        assert.ok(findings[0]!.message.includes(`line ${padding + 1}`));
        assert.ok(!findings[0]!.message.includes(value));
      }),
    );
  });

  it('no recorded finding of a secret check contains a value from its fixture', () => {
    for (const id of ['env-literal-credential', 'configmap-credential', 'secret-data-in-manifest', 'secret-in-env']) {
      const directory = repoPath(`test/fixtures/checks/${id}`);
      for (const file of readdirSync(directory).filter((name) => /^invalid.*\.ya?ml$/.test(name))) {
        const text = readFileSync(path.join(directory, file), 'utf8');
        const { findings, loaded } = scanText(text, { only: [id] });
        // Every string value in the objects, and each line of multi-line ones (plain words like
        // "password" may legitimately appear in a description).
        const values = new Set<string>();
        const visit = (node: unknown, key?: string): void => {
          if (typeof node === 'string') {
            for (const part of [node, ...node.split('\n').map((line) => line.replace(/^[^:=]*[:=]\s*/, '').trim())]) {
              if (part.length >= 8 && !/^[a-z]+$/.test(part) && key !== 'name' && key !== 'image' && key !== 'key') values.add(part);
            }
          } else if (Array.isArray(node)) node.forEach((item) => visit(item));
          else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, k);
        };
        for (const resource of loaded.resources) visit(resource.object.spec ?? resource.object.data ?? resource.object.stringData);
        for (const resource of loaded.resources) visit(resource.object.stringData);
        assert.ok(findings.length > 0);
        for (const finding of findings) {
          for (const value of values) assert.ok(!finding.message.includes(value), `${id}/${file}: "${finding.message}" contains ${JSON.stringify(value)}`);
        }
      }
    }
  });
});
