import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { palisade } from './support/cli.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';


function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'palisade-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const PRIVILEGED_POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext:\n      privileged: true\n';

describe('palisade scan (built CLI)', () => {
  it('scans the bundled example: findings exit 1, with file:line', () => {
    const result = palisade(['scan', 'examples/']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /privileged-container/);
    assert.match(result.stdout, /examples\/insecure\.yaml:\d+:\d+/);
    assert.doesNotMatch(result.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
  });

  it('never prints the credential it finds, in any output format', () => {
    for (const format of ['table', 'json', 'yaml', 'sarif', 'junit', 'markdown']) {
      const result = palisade(['scan', '-o', format, 'examples/']);
      assert.match(result.stdout, /env-literal-credential|EnvLiteralCredential/, format);
      assert.ok(!result.stdout.includes('Q8fzK2mVx9'), `${format} output contains the secret value`);
    }
  });

  it('reports the insecure example workload and nothing on its hardened counterpart', () => {
    const report = JSON.parse(palisade(['scan', '-o', 'json', 'examples/']).stdout);
    const names = new Set(report.findings.map((finding: { object: { name: string } }) => finding.object.name));
    assert.deepEqual([...names], ['web']);
  });

  it('--fail-on sets the threshold for exit 1', () => {
    const root = workspace({ 'pod.yaml': PRIVILEGED_POD });
    assert.equal(palisade(['scan', '--check', 'run-as-root', '--fail-on', 'high', 'pod.yaml'], { cwd: root }).code, 0);
    assert.equal(palisade(['scan', '--check', 'privileged-container', '--fail-on', 'high', 'pod.yaml'], { cwd: root }).code, 1);
  });

  it('writes versioned JSON with the exact position', () => {
    const root = workspace({ 'pod.yaml': PRIVILEGED_POD });
    const result = palisade(['scan', '-o', 'json', '--check', 'privileged-container', '-f', 'pod.yaml'], { cwd: root });
    const report = JSON.parse(result.stdout);
    assert.equal(report.schemaVersion, 'palisade.dev/scan/v1');
    assert.deepEqual(
      report.findings.map((f: { checkId: string; location: { file: string; line: number; column: number } }) => [f.checkId, f.location.file, f.location.line, f.location.column]),
      [['privileged-container', 'pod.yaml', 9, 7]],
    );
  });

  it('reads stdin with -', () => {
    const result = palisade(['scan', '-o', 'json', '--check', 'privileged-container', '-'], { input: PRIVILEGED_POD });
    assert.equal(JSON.parse(result.stdout).findings[0].location.file, '<stdin>');
  });

  it('an input error exits 2 but every other document and file is still scanned', () => {
    const root = workspace({ 'a.yaml': `${PRIVILEGED_POD}---\nkind: Pod\nmetadata:\n  name: x\n bad: indentation\n`, 'b/c.yaml': PRIVILEGED_POD.replace('name: p', 'name: q') });
    const result = palisade(['scan', '-o', 'json', '--check', 'privileged-container', '.'], { cwd: root });
    assert.equal(result.code, 2);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.findings.map((f: { object: { name: string } }) => f.object.name), ['p', 'q']);
    assert.equal(report.errors[0].file, 'a.yaml');
    assert.equal(report.errors[0].line, 14);
    assert.match(report.errors[0].message, /bad indentation/);
  });

  it('usage errors exit 2 with a message on stderr', () => {
    const unknownFormat = palisade(['scan', '-o', 'pdf', 'examples/']);
    assert.equal(unknownFormat.code, 2);
    assert.match(unknownFormat.stderr, /unknown output format "pdf"/);
    assert.equal(palisade(['scan']).code, 2);
    assert.equal(palisade(['scan', '--fail-on', 'urgent', 'examples/']).code, 2);
    assert.equal(palisade(['frobnicate']).code, 2);
  });

  it('a config with an unknown check id is an error naming it and its line', () => {
    const root = workspace({ '.palisade.yaml': 'checks:\n  disable:\n    - host-network\n    - not-a-check\n', 'pod.yaml': PRIVILEGED_POD });
    const result = palisade(['scan', 'pod.yaml'], { cwd: root });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\.palisade\.yaml:4:7: checks\.disable\[1\]: unknown check id "not-a-check"/);
  });

  it('a run that checks nothing is a usage error unless --allow-empty says it is wanted (issue 18)', () => {
    const root = workspace({ 'pod.yaml': PRIVILEGED_POD, 'empty/.gitkeep': '', 'notes/readme.yaml': 'title: not a kubernetes object\n' });
    const noChecks = palisade(['scan', '--check', 'host-network', '--disable', 'host-network', 'pod.yaml'], { cwd: root });
    assert.equal(noChecks.code, 2);
    assert.match(noChecks.stderr, /no check selected/);
    assert.equal(palisade(['scan', '--check', 'host-network', '--disable', 'host-network', '--allow-empty', 'pod.yaml'], { cwd: root }).code, 0);
    for (const input of ['empty', 'notes']) {
      const noObjects = palisade(['scan', input], { cwd: root });
      assert.equal(noObjects.code, 2, input);
      assert.match(noObjects.stderr, /no Kubernetes object to scan/, input);
      assert.equal(palisade(['scan', '--allow-empty', input], { cwd: root }).code, 0, input);
    }
  });

  it('conflicting or repeated selection flags are usage errors (issue 18)', () => {
    const both = palisade(['scan', '--standard', 'cis', '--check', 'host-network', 'examples/']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--check: cannot be combined with --standard/);
    const twice = palisade(['scan', '--standard', 'cis', '--standard', 'nsa', 'examples/']);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /--standard given more than once/);
  });

  it('refuses a binary file and a file over the size limit, naming them', () => {
    const root = workspace({ 'bin.yaml': '\u0000\u0001ELF', 'big.yaml': `${'# padding\n'.repeat(200)}${PRIVILEGED_POD}` });
    const result = palisade(['scan', '-o', 'json', '--max-file-size', '1000', '.'], { cwd: root });
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.errors.map((e: { file: string; code: string }) => [e.file, e.code]), [
      ['big.yaml', 'file-too-large'],
      ['bin.yaml', 'binary-file'],
    ]);
  });

  it('escapes control characters from names instead of sending them to the terminal', () => {
    const result = palisade(['scan', '--check', 'host-network', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: "a\\u001b[31mb"}\nspec: {hostNetwork: true, containers: [{name: c, image: x}]}\n' });
    assert.equal(result.code, 1);
    assert.ok(!result.stdout.includes('\u001b'), 'raw escape character in the output');
    assert.match(result.stdout, /Pod\/default\/a\\u001b\[31mb/);
  });

  it('lists the checks', () => {
    const result = palisade(['checks', '-o', 'json']);
    assert.equal(result.code, 0);
    const catalog = JSON.parse(result.stdout) as Array<{ id: string }>;
    assert.ok(catalog.some((check) => check.id === 'privileged-container'));
  });
});

describe('objects owned by a scanned controller', () => {
  it('are reported on the controller only (kubectl get all -o yaml)', () => {
    const dump = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {hostIPC: true, containers: [{name: c, image: x}]}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: web-1, namespace: shop, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {hostIPC: true, containers: [{name: c, image: x}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1-a, namespace: shop, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: u2, controller: true}]}
  spec: {hostIPC: true, containers: [{name: c, image: x}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: orphan, namespace: shop, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: u3, controller: true}]}
  spec: {hostIPC: true, containers: [{name: c, image: x}]}
`;
    const report = JSON.parse(palisade(['scan', '-o', 'json', '--check', 'host-ipc', '-'], { input: dump }).stdout);
    assert.deepEqual(report.findings.map((finding: { object: { kind: string; name: string } }) => `${finding.object.kind}/${finding.object.name}`), ['Deployment/web', 'Pod/orphan']);
  });
});

describe('process input and output', () => {
  it('ends quietly when stdout is closed early (palisade scan -o json | head -1)', async () => {
    const pods = Array.from({ length: 400 }, (_, index) => PRIVILEGED_POD.replace('name: p', `name: p${index}`)).join('---\n');
    const child = spawn(process.execPath, [repoPath('bin/palisade.js'), 'scan', '-o', 'json', '-'], { cwd: repoPath('.') });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first chunk, then close the pipe as head does.
    child.stdout.once('data', () => child.stdout.destroy());
    child.stdin.end(pods);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    assert.equal(stderr, '', 'nothing on stderr');
    // What a process killed by SIGPIPE reports to a shell: 128 + 13.
    assert.deepEqual([code, signal], [141, null]);
  });

  it('stops reading stdin at the size limit instead of buffering all of it', async () => {
    // Report the peak RSS of the CLI process on exit (stderr writes to a pipe are synchronous).
    const probe = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxRSS="+process.resourceUsage().maxRSS+"\\n"))';
    const child = spawn(process.execPath, ['--import', probe, repoPath('bin/palisade.js'), 'scan', '-o', 'json', '--max-file-size', '1000000', '-'], { cwd: repoPath('.') });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const block = Buffer.alloc(1 << 20, '# padding padding padding padding padding padding padding padding\n');
    let written = 0;
    let open = true;
    child.stdin.on('error', () => (open = false));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.on('exit', () => (open = false));
    // Up to 400 MiB, as fast as the CLI takes it.
    while (open && written < 400 * block.length) {
      written += block.length;
      if (!child.stdin.write(block)) await new Promise((resolve) => { child.stdin.once('drain', resolve); child.once('exit', resolve); });
    }
    if (open) child.stdin.end();
    const code = await closed;
    assert.equal(code, 2, stderr);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.errors.map((e: { code: string; file: string }) => [e.code, e.file]), [['file-too-large', '<stdin>']]);
    assert.ok(written < 64 * block.length, `the CLI took ${written >> 20} MiB before refusing`);
    const maxRss = Number(/maxRSS=(\d+)/.exec(stderr)?.[1]) * 1024;
    assert.ok(maxRss > 0 && maxRss < 200 * 2 ** 20, `peak RSS ${maxRss >> 20} MiB`);
  });
});

describe('palisade scan --cluster without a reachable cluster', () => {
  it('an unreachable API server is one message naming the context, the server and what failed, exit 2', () => {
    const home = tempDir('palisade-kube');
    const kubeconfig = path.join(home, 'config');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: t}
contexts:
- name: staging
  context: {cluster: gone, user: u}
current-context: staging
`);
    const result = palisade(['scan', '--cluster', '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^palisade scan: cannot reach the cluster of context "staging" at https:\/\/127\.0\.0\.1:1: .*(ECONNREFUSED|connection refused)/);
  });

  it('no kubeconfig at all is one message saying so, exit 2', () => {
    const home = tempDir('palisade-home');
    const result = palisade(['scan', '--cluster'], { env: { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' } });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^palisade scan: no cluster configured: .*--kubeconfig/);
  });
});

describe('palisade admission serve: flags checked before the cluster is contacted', () => {
  it('names a missing certificate file or a bad number as a usage error, whatever the kubeconfig', () => {
    const dir = tempDir('palisade-serve-flags');
    const cert = path.join(dir, 'tls.crt');
    const key = path.join(dir, 'tls.key');
    writeFileSync(cert, '');
    writeFileSync(key, '');
    // A kubeconfig pointing nowhere: were the flags checked after connecting, the error would be the cluster's.
    const kubeconfig = path.join(dir, 'kubeconfig');
    const vulnDb = path.join(dir, 'vuln.db');
    writeFileSync(vulnDb, '');
    const dockerConfig = path.join(dir, 'config.json');
    writeFileSync(dockerConfig, '{"auths": {"r.example": {"auth": "c2VjcmV0LXZhbHVlLTQy"} oops');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
    const cases: Array<[string[], RegExp]> = [
      [['--tls-cert-file', path.join(dir, 'missing.crt'), '--tls-private-key-file', key], /--tls-cert-file .*missing\.crt: ENOENT/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--deadline-ms', 'soon'], /--deadline-ms must be a positive integer, not "soon"/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--image-store-refresh-seconds=0'], /--image-store-refresh-seconds must be a positive integer, not "0"/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--image-store', path.join(dir, 'none.db')], /no such image store/],
      // The image gate and the decision store (docs/admission.md).
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--tag-cache-seconds', '5'], /--tag-cache-seconds needs --resolve-tags/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--resolve-tags', '--tag-cache-seconds', '0'], /--tag-cache-seconds must be a positive integer, not "0"/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--scan-queue', '--db', path.join(dir, 'missing-vuln.db')], /--scan-queue needs a vulnerability database: --db .*missing-vuln\.db: no such file/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--scan-queue', '--db', vulnDb, '--image-store', path.join(dir, 'queue.db'), '--scan-concurrency', '3'], /--scan-concurrency must be a positive integer of at most 2, not "3"/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--scan-platform', 'linux/arm64'], /--scan-platform needs --scan-queue/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--insecure-registry', 'localhost:5000'], /--insecure-registry needs --resolve-tags, --scan-queue or a signatures: section/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--resolve-tags', '--image-store', vulnDb, '--docker-config', dockerConfig], /--docker-config .*config\.json: not valid JSON \(at character \d+\)/],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--decision-store', path.join(key, 'decisions.db')], /--decision-store .*tls\.key\/decisions\.db: /],
      [['--tls-cert-file', cert, '--tls-private-key-file', key, '--decision-max-records', '10'], /--decision-max-records needs --decision-store/],
    ];
    for (const [flags, message] of cases) {
      const result = palisade(['admission', 'serve', '--kubeconfig', kubeconfig, ...flags]);
      assert.equal(result.code, 2, flags.join(' '));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /c2VjcmV0LXZhbHVlLTQy|secret-value-42/);
    }
  });
});
