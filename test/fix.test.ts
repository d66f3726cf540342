import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { editJson, editYaml, type ObjectEdits } from '../src/adapters/manifests/edit.js';
import { loadText } from '../src/adapters/manifests/documents.js';
import { fixManifests } from '../src/app/fix.js';
import { planScan } from '../src/app/scan.js';
import { palisade as runCli } from './support/cli.js';
import { repoPath } from './support/paths.js';
import { requireProgram, TEST_PATH } from './support/programs.js';
import { FIXED_NOW } from './support/scan.js';
import { tempDir } from './support/temp.js';

/**
 * `palisade fix`: the edits written into YAML keep comments and formatting (byte for byte), a
 * rescan no longer reports what was fixed, a dry run writes nothing, Helm templates are refused,
 * Kustomize gets a patch the real `kustomize build` applies, and a second run changes nothing.
 */

const palisade = (args: string[], cwd: string) => runCli(args, { cwd, env: { PATH: TEST_PATH } });

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
}

const CONTAINER = ['spec', 'template', 'spec', 'containers'];
const set = (pathTo: Array<string | number>, value: boolean | string | string[], comment?: string) => ({ kind: 'set' as const, path: pathTo, value, ...(comment ? { comment } : {}) });
const todo = (pathTo: Array<string | number>, comment: string) => ({ kind: 'todo' as const, path: pathTo, comment });

describe('editYaml: the Document API edits, formatting kept', () => {
  it('comments, four-space indentation with unindented lists, flow maps and a second document stay as written', () => {
    const text = `# The web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
    name: web   # owned by team-a
spec:
    template:
        metadata: {labels: {app: web}}
        spec:
            containers:
            -   name: app
                image: "nginx:1.27"   # pinned later
                securityContext:
                    runAsUser: 1000
            -   name: sidecar
                image: busybox:1.36
                securityContext: {runAsUser: 1001}
---
# a second document, two-space
apiVersion: v1
kind: Pod
metadata: {name: solo}
spec:
  containers:
  - name: c
    image: x:1
`;
    const objects: ObjectEdits[] = [
      {
        document: 0,
        kind: 'Deployment',
        name: 'web',
        edits: [
          set([...CONTAINER, 0, 'securityContext', 'allowPrivilegeEscalation'], false),
          set([...CONTAINER, 0, 'securityContext', 'capabilities', 'drop'], ['ALL']),
          set([...CONTAINER, 1, 'securityContext', 'allowPrivilegeEscalation'], false),
          todo([...CONTAINER, 1], 'TODO(palisade): add a livenessProbe'),
          set(['spec', 'template', 'spec', 'securityContext', 'seccompProfile', 'type'], 'RuntimeDefault'),
        ],
      },
      { document: 1, kind: 'Pod', name: 'solo', edits: [set(['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], true, 'palisade: the image must run as a non-root user')] },
    ];
    const edited = editYaml(text, objects);
    assert.deepEqual(edited.refused, []);
    assert.equal(edited.applied.length, 6);
    assert.equal(
      edited.text,
      `# The web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
    name: web   # owned by team-a
spec:
    template:
        metadata: {labels: {app: web}}
        spec:
            containers:
            -   name: app
                image: "nginx:1.27"   # pinned later
                securityContext:
                    runAsUser: 1000
                    allowPrivilegeEscalation: false
                    capabilities:
                        drop: [ALL]
            -   name: sidecar
                image: busybox:1.36
                securityContext: {runAsUser: 1001, allowPrivilegeEscalation: false}
                # TODO(palisade): add a livenessProbe
            securityContext:
                seccompProfile:
                    type: RuntimeDefault
---
# a second document, two-space
apiVersion: v1
kind: Pod
metadata: {name: solo}
spec:
  containers:
  - name: c
    image: x:1
    securityContext:
      runAsNonRoot: true # palisade: the image must run as a non-root user
`,
    );
    // Idempotent: the same edits on the new text change nothing.
    const again = editYaml(edited.text, objects);
    assert.equal(again.text, edited.text);
    assert.deepEqual(again.applied, []);
  });

  it('an empty securityContext: is filled; an existing value is replaced in place, its comment kept', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x:1\n    imagePullPolicy: IfNotPresent  # cached\n    securityContext:\n';
    const edited = editYaml(text, [
      {
        document: 0,
        kind: 'Pod',
        name: 'p',
        edits: [set(['spec', 'containers', 0, 'imagePullPolicy'], 'Always'), set(['spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem'], true)],
      },
    ]);
    assert.deepEqual(edited.refused, []);
    assert.equal(edited.text, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x:1\n    imagePullPolicy: Always  # cached\n    securityContext:\n      readOnlyRootFilesystem: true\n');
  });

  it('the comment of an empty value stays, above the mapping that fills it', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext:   # filled in later\n  - name: d\n    image: x:1\n';
    const edited = editYaml(text, [{ document: 0, kind: 'Pod', name: 'p', edits: [set(['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], false)] }]);
    assert.equal(edited.text, text.replace('    securityContext:   # filled in later\n', '    securityContext:\n      # filled in later\n      allowPrivilegeEscalation: false\n'));
  });

  it('a quoted string replaced by a boolean loses its quotes (it would stay a string), not its comment', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext:\n      privileged: "true"   # why?\n';
    const edited = editYaml(text, [{ document: 0, kind: 'Pod', name: 'p', edits: [set(['spec', 'containers', 0, 'securityContext', 'privileged'], false)] }]);
    assert.equal(edited.text, text.replace('privileged: "true"   # why?', 'privileged: false   # why?'));
  });

  it('a TODO after an init container that ends in a list, read back as a comment of that list, is not written twice', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - name: init\n    image: x:1\n    env:\n    - name: A\n      value: "1"\n  containers:\n  - name: c\n    image: x:1\n';
    const objects: ObjectEdits[] = [{ document: 0, kind: 'Pod', name: 'p', edits: [todo(['spec', 'initContainers', 0], 'TODO(palisade): set resources.requests.cpu')] }];
    const first = editYaml(text, objects);
    assert.equal(first.text, text.replace('      value: "1"\n  containers:', '      value: "1"\n    # TODO(palisade): set resources.requests.cpu\n  containers:'));
    const second = editYaml(first.text, objects);
    assert.equal(second.text, first.text);
    assert.deepEqual(second.applied, []);
  });

  it('refuses to edit through an alias or an anchored node, saying why; the text is unchanged', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  securityContext: &shared\n    runAsNonRoot: true\n  containers:\n  - name: c\n    image: x:1\n    securityContext: *shared\n';
    const edited = editYaml(text, [
      {
        document: 0,
        kind: 'Pod',
        name: 'a',
        edits: [set(['spec', 'containers', 0, 'securityContext', 'privileged'], false), set(['spec', 'securityContext', 'seccompProfile', 'type'], 'RuntimeDefault')],
      },
    ]);
    assert.equal(edited.text, text);
    assert.deepEqual(
      edited.refused.map((refusal) => refusal.reason),
      [
        'spec.containers[0].securityContext is an alias (*shared): editing it would edit what it points to as well',
        'spec.securityContext has an anchor (&shared): its aliases would change too',
      ],
    );
  });

  it('a List item is edited at items[i]; a document that is no longer the object scanned is refused', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p1}\n  spec:\n    containers:\n    - {name: c, image: "x:1"}\n';
    const edit = set(['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], false);
    const edited = editYaml(text, [{ document: 0, listIndex: 0, kind: 'Pod', name: 'p1', edits: [edit] }]);
    assert.equal(edited.text, text.replace('image: "x:1"}', 'image: "x:1", securityContext: {allowPrivilegeEscalation: false}}'));
    const moved = editYaml(text, [{ document: 0, listIndex: 0, kind: 'Pod', name: 'other', edits: [edit] }]);
    assert.equal(moved.text, text);
    assert.match(moved.refused[0]!.reason, /document 1 is not Pod other as it was when scanned/);
  });

  it('JSON keeps its indentation; a TODO comment is refused there', () => {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
    const text = `${JSON.stringify(object, null, 4)}\n`;
    const edited = editJson(text, [{ document: 0, kind: 'Pod', name: 'j', edits: [set(['spec', 'containers', 0, 'imagePullPolicy'], 'Always'), todo(['spec', 'containers', 0], 'TODO(palisade): x')] }]);
    const expected = structuredClone(object) as typeof object & { spec: { containers: Array<Record<string, unknown>> } };
    expected.spec.containers[0]!.imagePullPolicy = 'Always';
    assert.equal(edited.text, `${JSON.stringify(expected, null, 4)}\n`);
    assert.deepEqual(edited.refused.map((refusal) => refusal.reason), ['JSON has no comments: add it by hand']);
  });
});

describe('every fix removes its findings on its check\'s own invalid fixtures', () => {
  const fixable = ALL_CHECKS.filter((check) => check.fix);
  it('the checks with a fix', () => {
    assert.deepEqual(fixable.map((check) => check.id), [
      'allow-privilege-escalation',
      'capabilities-all-not-dropped',
      'cpu-limits-missing',
      'cpu-requests-missing',
      'image-pull-policy',
      'liveness-probe-missing',
      'memory-limits-missing',
      'memory-requests-missing',
      'privileged-container',
      'readiness-probe-missing',
      'run-as-root',
      'seccomp-profile-missing',
      'service-account-token-automount',
      'writable-root-filesystem',
    ]);
  });
  for (const check of fixable) {
    it(check.id, () => {
      const directory = repoPath(`test/fixtures/checks/${check.id}`);
      for (const file of readdirSync(directory).filter((name) => /^invalid.*\.ya?ml$/.test(name))) {
        const full = path.join(directory, file);
        const text = readFileSync(full, 'utf8');
        const loaded = loadText(text, full);
        const plan = planScan({ now: FIXED_NOW, only: [check.id] });
        const result = fixManifests(loaded, { plan, version: '0.0.0-test', texts: new Map([[full, text]]) });
        const statuses = result.outcomes.map((outcome) => outcome.status);
        assert.ok(statuses.length > 0, `${file}: some finding has a fix`);
        for (const outcome of result.outcomes) {
          assert.ok(outcome.status === 'fixed' || outcome.status === 'todo' || (outcome.status === 'refused' && /alias|anchor|flow style/.test(outcome.reason ?? '')), `${file}: ${outcome.finding.message}: ${outcome.status} ${outcome.reason ?? ''}`);
        }
        const hasSet = result.outcomes.some((outcome) => outcome.status === 'fixed');
        const todoOnly = /probe|requests|limits/.test(check.id);
        assert.equal(hasSet, !todoOnly, `${file}: ${todoOnly ? 'only TODO comments' : 'values written'}`);
      }
    });
  }
});

describe('fixManifests: the rescan decides what is fixed', () => {
  it('an edit after which the check still reports (on another field) is "not fixed", and the edit is still proposed', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext:\n      privileged: true\n';
    const file = '/virtual/pod.yaml';
    const plan = planScan({ now: FIXED_NOW, only: ['allow-privilege-escalation'] });
    const result = fixManifests(loadText(text, file), { plan, version: '0.0.0-test', texts: new Map([[file, text]]) });
    assert.deepEqual(result.outcomes.map((outcome) => [outcome.finding.checkId, outcome.status, outcome.reason]), [['allow-privilege-escalation', 'not-fixed', 'still reported after the fix']]);
    assert.equal(result.files[0]!.after, `${text}      allowPrivilegeEscalation: false\n`);
  });

  it('stdin has no file to write to: refused', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n';
    const plan = planScan({ now: FIXED_NOW, only: ['allow-privilege-escalation'] });
    const result = fixManifests(loadText(text, { kind: 'stdin' }), { plan, version: '0.0.0-test', texts: new Map() });
    assert.deepEqual(result.outcomes.map((outcome) => [outcome.status, outcome.reason]), [['refused', 'read from <stdin>: there is no file to write the fix to']]);
    assert.deepEqual(result.files, []);
  });
});

const DEPLOYMENT = `# Shop API.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api  # keep in sync with the Service
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: app
          image: registry.example.com/api:2.1.0
          securityContext:
            runAsUser: 10001   # the image's user
`;

const DEPLOYMENT_FIXED = `# Shop API.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api  # keep in sync with the Service
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: app
          image: registry.example.com/api:2.1.0
          securityContext:
            runAsUser: 10001   # the image's user
            allowPrivilegeEscalation: false
            runAsNonRoot: true
            capabilities:
              drop: [ALL]
            readOnlyRootFilesystem: true
          # TODO(palisade): add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails only when the process cannot recover
      automountServiceAccountToken: false
      securityContext:
        seccompProfile:
          type: RuntimeDefault
`;

const FIXED_CHECKS = ['allow-privilege-escalation', 'capabilities-all-not-dropped', 'writable-root-filesystem', 'run-as-root', 'seccomp-profile-missing', 'service-account-token-automount'];
const CHECK_FLAGS = [...FIXED_CHECKS, 'liveness-probe-missing'].flatMap((id) => ['--check', id]);

function scanIds(args: string[], cwd: string): string[] {
  const run = palisade(['scan', '-o', 'json', ...CHECK_FLAGS, ...args], cwd);
  const report = JSON.parse(run.stdout) as { findings: Array<{ checkId: string }> };
  return [...new Set(report.findings.map((finding) => finding.checkId))].sort();
}

describe('palisade fix (the built CLI)', () => {
  it('never prints a credential the manifest holds: the diff masks the lines that hold one, in every output and whatever checks are fixed', () => {
    const example = readFileSync(repoPath('examples/insecure.yaml'), 'utf8');
    const secret = /AWS_SECRET_ACCESS_KEY\s*\n\s*value:\s*(\S+)/.exec(example)![1]!;
    const root = tempDir('palisade-fix-secret');
    write(root, { 'insecure.yaml': example });
    for (const args of [[], ['--check', 'run-as-root'], ['-o', 'json']]) {
      const run = palisade(['fix', 'insecure.yaml', ...args], root);
      assert.equal(run.code, 1, run.stderr);
      assert.ok(!`${run.stdout}${run.stderr}`.includes(secret), `fix ${args.join(' ')} printed the credential`);
      assert.match(run.stdout, /value: <credential, not shown>/, 'the context line is there, masked');
    }
  });

  it('a dry run prints a diff git applies and writes nothing; --write writes the same; a rescan reports only the TODO; a second run changes nothing', () => {
    const root = tempDir('palisade-fix');
    write(root, { 'k8s/api.yaml': DEPLOYMENT });
    const file = path.join(root, 'k8s/api.yaml');
    const modified = statSync(file).mtimeMs;

    const dry = palisade(['fix', 'k8s', ...CHECK_FLAGS], root);
    assert.equal(dry.code, 1, dry.stderr);
    assert.equal(readFileSync(file, 'utf8'), DEPLOYMENT, 'a dry run writes nothing');
    assert.equal(statSync(file).mtimeMs, modified);
    assert.match(dry.stdout, /^--- a\/k8s\/api\.yaml\n\+\+\+ b\/k8s\/api\.yaml\n@@ /);
    assert.match(dry.stderr, /dry run: nothing written \(--write writes\)/);
    assert.match(dry.stderr, /^todo {6}liveness-probe-missing Deployment shop\/api container app \(k8s\/api\.yaml:15\)/m);
    assert.match(dry.stderr, /^fixed {5}run-as-root Deployment shop\/api container app/m);

    // The diff is a patch git applies, giving exactly what --write writes.
    const copy = tempDir('palisade-fix-git');
    write(copy, { 'k8s/api.yaml': DEPLOYMENT });
    execFileSync('git', ['init', '-q'], { cwd: copy });
    execFileSync('git', ['apply', '-'], { cwd: copy, input: dry.stdout });
    assert.equal(readFileSync(path.join(copy, 'k8s/api.yaml'), 'utf8'), DEPLOYMENT_FIXED);

    assert.deepEqual(scanIds(['k8s'], root), [...FIXED_CHECKS, 'liveness-probe-missing'].sort());
    const written = palisade(['fix', 'k8s', '--write', ...CHECK_FLAGS], root);
    assert.equal(written.code, 1, 'the TODO is a finding left to fix');
    assert.equal(readFileSync(file, 'utf8'), DEPLOYMENT_FIXED);
    assert.match(written.stderr, /6 fixed, 0 in Kustomize patches, 1 todo, 0 not fixed, 0 refused; wrote 1 file\(s\), 0 patch\(es\)/);
    assert.deepEqual(scanIds(['k8s'], root), ['liveness-probe-missing'], 'the rescan reports only what needs a person');

    const again = palisade(['fix', 'k8s', ...CHECK_FLAGS], root);
    assert.equal(again.stdout, '', 'nothing left to change');
    assert.equal(readFileSync(file, 'utf8'), DEPLOYMENT_FIXED);

    const clean = palisade(['fix', 'k8s', '--check', 'allow-privilege-escalation'], root);
    assert.equal(clean.code, 0, 'nothing left to fix');
  });

  it('-o json says what became of each finding', () => {
    const root = tempDir('palisade-fix');
    write(root, { 'api.yaml': DEPLOYMENT });
    const run = palisade(['fix', 'api.yaml', '-o', 'json', '--check', 'run-as-root', '--check', 'readiness-probe-missing'], root);
    const result = JSON.parse(run.stdout) as { written: boolean; files: Array<{ path: string; diff: string }>; findings: Array<{ checkId: string; status: string; location: { file: string } }>; summary: Record<string, number> };
    assert.equal(result.written, false);
    assert.deepEqual(result.files.map((file) => file.path), ['api.yaml']);
    assert.match(result.files[0]!.diff, /^--- a\/api\.yaml\n\+\+\+ b\/api\.yaml\n[^]*\n\+ {12}runAsNonRoot: true\n/);
    assert.deepEqual(result.findings.map((finding) => [finding.checkId, finding.status, finding.location.file]), [
      ['readiness-probe-missing', 'todo', 'api.yaml'],
      ['run-as-root', 'fixed', 'api.yaml'],
    ]);
    assert.deepEqual(result.summary, { fixed: 1, patch: 0, todo: 1, notFixed: 0, refused: 0, unfixable: 0 });
  });

  it('never edits a Helm chart: its findings are refused, with the reason', () => {
    requireProgram('helm');
    const root = tempDir('palisade-fix-helm');
    write(root, {
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'chart/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n',
    });
    const template = readFileSync(path.join(root, 'chart/templates/pod.yaml'), 'utf8');
    const run = palisade(['fix', 'chart', '--write', '--check', 'allow-privilege-escalation'], root);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^refused {3}allow-privilege-escalation Pod default\/release-web container web \(chart\/templates\/pod\.yaml \(helm template\):\d+\): rendered from a Helm chart: palisade fix never edits templates/m);
    assert.equal(readFileSync(path.join(root, 'chart/templates/pod.yaml'), 'utf8'), template);

    // A file of the chart given as a plain file is not edited either.
    write(root, { 'chart/templates/plain.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: plain\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n' });
    const plain = palisade(['fix', 'chart/templates/plain.yaml', '--write', '--check', 'allow-privilege-escalation'], root);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /^refused {3}allow-privilege-escalation Pod default\/plain container web \(chart\/templates\/plain\.yaml:\d+\): a file of the Helm chart .*chart: palisade fix never edits templates/m);
    assert.doesNotMatch(readFileSync(path.join(root, 'chart/templates/plain.yaml'), 'utf8'), /allowPrivilegeEscalation/);
  });

  it('Kustomize: proposes a patch for the overlay, never edits the base; kustomize build applies it and the findings are gone', () => {
    const kustomize = requireProgram('kustomize');
    const root = tempDir('palisade-fix-kustomize');
    const base = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/api:2.1.0\n';
    write(root, {
      'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n',
      'base/deployment.yaml': base,
      'overlays/prod/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: prod-\nnamespace: shop\nresources:\n- ../../base\n',
    });
    const overlay = path.join('overlays', 'prod');
    const checks = ['--check', 'allow-privilege-escalation', '--check', 'seccomp-profile-missing', '--check', 'liveness-probe-missing'];
    const dry = palisade(['fix', overlay, ...checks], root);
    assert.equal(dry.code, 1, dry.stderr);
    assert.match(dry.stdout, /^--- \/dev\/null\n\+\+\+ b\/overlays\/prod\/palisade-fix\.yaml\n@@ -0,0 \+1,\d+ @@\n/);
    assert.match(dry.stderr, /^patch {5}allow-privilege-escalation Deployment shop\/prod-api container app/m);

    const written = palisade(['fix', overlay, '--write', ...checks], root);
    assert.equal(written.code, 1, 'the probe TODO remains');
    assert.equal(readFileSync(path.join(root, 'base/deployment.yaml'), 'utf8'), base, 'the base is never edited');
    const patch = readFileSync(path.join(root, overlay, 'palisade-fix.yaml'), 'utf8');
    assert.match(patch, /# TODO\(palisade\): add a livenessProbe .* \(container "app"\)/);
    assert.match(patch, /metadata:\n {2}name: api\n/, 'addressed by the name before the overlay prefixes it');

    writeFileSync(path.join(root, overlay, 'kustomization.yaml'), `${readFileSync(path.join(root, overlay, 'kustomization.yaml'), 'utf8')}patches:\n- path: palisade-fix.yaml\n`);
    const built = execFileSync(kustomize, ['build', path.join(root, overlay)], { encoding: 'utf8' });
    assert.match(built, /allowPrivilegeEscalation: false/);
    assert.match(built, /type: RuntimeDefault/);
    const rescan = palisade(['scan', '-o', 'json', ...checks, overlay], root);
    assert.deepEqual((JSON.parse(rescan.stdout) as { findings: Array<{ checkId: string }> }).findings.map((finding) => finding.checkId), ['liveness-probe-missing']);

    const elsewhere = palisade(['fix', overlay, '--write', '--patch-dir', 'proposed', '--check', 'image-pull-policy', '--enable', 'image-pull-policy'], root);
    assert.equal(elsewhere.code, 1, 'a patch is not applied until the kustomization lists it');
    assert.match(readFileSync(path.join(root, 'proposed', 'prod-palisade-fix.yaml'), 'utf8'), /imagePullPolicy: Always/);
  });

  it('an input that does not parse is named with its line and exits 2; the other files are still fixed', () => {
    const root = tempDir('palisade-fix');
    write(root, { 'k8s/api.yaml': DEPLOYMENT, 'k8s/broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n' });
    const run = palisade(['fix', 'k8s', '--write', '--check', 'allow-privilege-escalation'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^palisade fix: k8s\/broken\.yaml:\d+:\d+: /m);
    assert.match(readFileSync(path.join(root, 'k8s/api.yaml'), 'utf8'), /allowPrivilegeEscalation: false/);
  });

  it('usage errors exit 2: --write with --dry-run, stdin, --patch-dir without --write, no manifests', () => {
    const root = tempDir('palisade-fix');
    for (const [args, message] of [
      [['fix', 'x.yaml', '--write', '--dry-run'], /--write and --dry-run: give one/],
      [['fix', '-'], /stdin \(-\) has nowhere to write the fixes to/],
      [['fix', 'x.yaml', '--patch-dir', 'p'], /--patch-dir applies with --write/],
      [['fix'], /no manifests given: palisade fix PATH/],
      [['fix', 'x.yaml', '-o', 'table'], /unknown output format "table" \(one of diff, json\)/],
    ] as const) {
      const run = palisade([...args], root);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
    }
  });
});
