import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { splitHelmOutput } from '../src/adapters/manifests/render.js';
import { sourceLabel } from '../src/core/model/source.js';
import { binDirectory as binIn, findProgram, requireProgram, TEST_PATH } from './support/programs.js';
import { palisade as runCli } from './support/cli.js';

/**
 * Kustomize directories and Helm charts rendered by the real programs (helm and kustomize
 * from scripts/provision.sh, kubectl when installed), scanned by the built CLI.
 */

interface JsonFinding {
  checkId: string;
  object: { kind: string; name: string; namespace?: string };
  container?: string;
  location: { file: string; document: number; line?: number; column?: number; path: string };
}
interface JsonReport {
  summary: { objects: number };
  findings: JsonFinding[];
  errors: Array<{ code: string; message: string; file: string }>;
}

/** Runs the built CLI; PATH is TEST_PATH unless given. */
function palisade(args: string[], options: { cwd: string; path?: string }) {
  return runCli(args, { cwd: options.cwd, env: { PATH: options.path ?? TEST_PATH } });
}

function scanJson(args: string[], options: { cwd: string; path?: string }): { code: number | null; report: JsonReport; stderr: string } {
  const result = palisade(['scan', '-o', 'json', ...args], options);
  let report: JsonReport;
  try {
    report = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { code: result.code, report, stderr: result.stderr };
}

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
}

const brief = (finding: JsonFinding) => [finding.checkId, `${finding.object.kind} ${finding.object.namespace ?? ''}/${finding.object.name}`, finding.container ?? '', finding.location.file];

/** The finding's line and column in `text` (a renderer's own output) start with `expected`. */
function assertPointsAt(finding: JsonFinding, text: string, expected: string): void {
  const { line, column } = finding.location;
  assert.ok(line !== undefined && column !== undefined, 'the finding has a position');
  const at = (text.split('\n')[line - 1] ?? '').slice(column - 1);
  assert.ok(at.startsWith(expected), `line ${line}:${column} of the rendered output is "${at}", expected "${expected}"`);
}

const KUSTOMIZE = {
  'kustomize/base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n',
  'kustomize/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
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
`,
  'kustomize/overlays/prod/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: prod-
namespace: shop
resources:
- ../../base
patches:
- path: privileged.yaml
`,
  'kustomize/overlays/prod/privileged.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: app
        securityContext:
          privileged: true
`,
};

const CHART = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: "1.4.2"\n',
  'charts/web/values.yaml': 'replicas: 2\nimage:\n  repository: registry.example.com/web\n  tag: "1.4.2"\nport: 8080\nhostNetwork: false\n',
  'charts/web/templates/_helpers.tpl': '{{- define "web.fullname" -}}\n{{ .Release.Name }}-{{ .Chart.Name }}\n{{- end -}}\n',
  // Helm orders the Service before the Deployment, so the Deployment's lines in the whole
  // rendered stream differ from its lines in its own template's output.
  'charts/web/templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  selector:
    app: {{ include "web.fullname" . }}
  ports:
  - port: {{ .Values.port }}
`,
  'charts/web/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ include "web.fullname" . }}
  template:
    metadata:
      labels:
        app: {{ include "web.fullname" . }}
    spec:
      {{- if .Values.hostNetwork }}
      hostNetwork: true
      {{- end }}
      containers:
      - name: web
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        ports:
        - containerPort: {{ .Values.port }}
`,
  'values/host.yaml': 'hostNetwork: true\n',
  'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: plain, namespace: x}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext:\n      privileged: true\n',
};

const CHECKS = ['--check', 'privileged-container', '--check', 'host-network'];

/** Every directory these tests make lives under one, removed at the end. */
const SCRATCH = mkdtempSync(path.join(tmpdir(), 'palisade-render-'));
after(() => rmSync(SCRATCH, { recursive: true, force: true }));
const scratch = () => mkdtempSync(path.join(SCRATCH, 'w-'));
const binDirectory = (programs: Parameters<typeof binIn>[0] = {}) => binIn(programs, SCRATCH);

describe('Kustomize directories and Helm charts (rendered by the real programs)', () => {
  let root = '';
  let helm = '';
  let kustomize = '';
  before(() => {
    helm = requireProgram('helm');
    kustomize = requireProgram('kustomize');
    root = scratch();
    write(root, { ...KUSTOMIZE, ...CHART });
  });

  describe('Kustomize', () => {
    const overlay = path.join('kustomize', 'overlays', 'prod');

    it('standalone `kustomize build` when kubectl is absent: the overlay patch makes the prefixed Deployment privileged', () => {
      const only = binDirectory({ kustomize });
      const { code, report } = scanJson([...CHECKS, overlay], { cwd: root, path: only });
      assert.equal(code, 1);
      assert.deepEqual(report.findings.map(brief), [['privileged-container', 'Deployment shop/prod-api', 'app', 'kustomize/overlays/prod (kustomize)']]);
      // Lines are lines of the renderer's output.
      assertPointsAt(report.findings[0]!, execFileSync(kustomize, ['build', path.join(root, overlay)], { encoding: 'utf8' }), 'privileged: true');
    });

    it('the base alone reports nothing and exits 0', () => {
      const { code, report } = scanJson([...CHECKS, 'kustomize/base'], { cwd: root, path: binDirectory({ kustomize }) });
      assert.equal(code, 0);
      assert.equal(report.summary.objects, 1);
      assert.deepEqual(report.findings, []);
    });

    it('`kubectl kustomize` is preferred when kubectl is on PATH', () => {
      const log = path.join(root, 'kubectl.log');
      const shim = binDirectory({ kubectl: { script: `echo "$@" >> '${log}'\n[ "$1" = kustomize ] || exit 3\nexec '${kustomize}' build "$2"` }, kustomize });
      const { code, report } = scanJson([...CHECKS, overlay], { cwd: root, path: shim });
      assert.equal(code, 1);
      assert.deepEqual(report.findings.map(brief), [['privileged-container', 'Deployment shop/prod-api', 'app', 'kustomize/overlays/prod (kustomize)']]);
      assert.equal(readFileSync(log, 'utf8'), `kustomize ${overlay}\n`);
    });

    const kubectl = findProgram('kubectl');
    it('the real `kubectl kustomize`', { skip: kubectl ? false : 'kubectl is not installed' }, () => {
      const { code, report } = scanJson([...CHECKS, overlay], { cwd: root, path: binDirectory({ kubectl: kubectl! }) });
      assert.equal(code, 1);
      assert.deepEqual(report.findings.map(brief), [['privileged-container', 'Deployment shop/prod-api', 'app', 'kustomize/overlays/prod (kustomize)']]);
      assertPointsAt(report.findings[0]!, execFileSync(kubectl!, ['kustomize', path.join(root, overlay)], { encoding: 'utf8' }), 'privileged: true');
    });

    it('kustomizations found while walking a directory are rendered, and their files are not also read as manifests', () => {
      const { code, report } = scanJson([...CHECKS, 'kustomize'], { cwd: root, path: binDirectory({ kustomize }) });
      assert.equal(code, 1);
      // The base renders its Deployment; the overlay its prefixed, patched one; nothing else
      // (no raw patch read as a Deployment, no Kustomization read as an object).
      assert.equal(report.summary.objects, 2);
      assert.deepEqual(report.findings.map(brief), [['privileged-container', 'Deployment shop/prod-api', 'app', 'kustomize/overlays/prod (kustomize)']]);
    });

    it('a kustomization that does not build is a render error (exit 2) naming the program', () => {
      const broken = scratch();
      write(broken, { 'k/kustomization.yaml': 'resources:\n- missing.yaml\n' });
      const { code, report } = scanJson([...CHECKS, 'k'], { cwd: broken, path: binDirectory({ kustomize }) });
      assert.equal(code, 2);
      assert.deepEqual(report.errors.map((e) => [e.code, e.file]), [['render-error', 'k']]);
      assert.match(report.errors[0]!.message, /^kustomize build failed: .*missing\.yaml/s);
    });
  });

  describe('Helm', () => {
    const only = () => binDirectory({ helm });
    const showOnly = (...args: string[]) => execFileSync(helm, ['template', 'release', path.join(root, 'charts/web'), '--show-only', 'templates/deployment.yaml', ...args], { encoding: 'utf8' });

    it('default values: no hostNetwork, no findings, exit 0', () => {
      const { code, report } = scanJson([...CHECKS, 'charts/web'], { cwd: root, path: only() });
      assert.equal(code, 0);
      assert.equal(report.summary.objects, 2);
      assert.deepEqual(report.findings, []);
    });

    it('--set hostNetwork=true: host-network on the templated name, reported at the template file and its line in that template\'s output', () => {
      const { code, report } = scanJson([...CHECKS, 'charts/web', '--set', 'hostNetwork=true', '-n', 'team'], { cwd: root, path: only() });
      assert.equal(code, 1);
      assert.deepEqual(report.findings.map(brief), [['host-network', 'Deployment team/release-web', '', 'charts/web/templates/deployment.yaml (helm template)']]);
      assert.equal(report.findings[0]!.location.document, 0);
      assertPointsAt(report.findings[0]!, showOnly('--set', 'hostNetwork=true'), 'hostNetwork: true');
    });

    it('a --values file turns it on too', () => {
      const { code, report } = scanJson([...CHECKS, '--values', 'values/host.yaml', 'charts/web'], { cwd: root, path: only() });
      assert.equal(code, 1);
      assert.deepEqual(report.findings.map(brief), [['host-network', 'Deployment default/release-web', '', 'charts/web/templates/deployment.yaml (helm template)']]);
      assertPointsAt(report.findings[0]!, showOnly('--values', path.join(root, 'values/host.yaml')), 'hostNetwork: true');
    });

    it('a chart inside a scanned directory is rendered, not read as YAML', () => {
      const result = palisade(['scan', ...CHECKS, '--set', 'hostNetwork=true', 'charts'], { cwd: root, path: only() });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /at charts\/web\/templates\/deployment\.yaml \(helm template\):\d+:7 \(spec\.template\.spec\.hostNetwork\)/);
      assert.doesNotMatch(result.stdout, /Errors/);
    });

    it('a template that fails is a render error (exit 2) with helm\'s message', () => {
      const broken = scratch();
      write(broken, { 'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'c/templates/x.yaml': 'kind: {{ .Values.no.such }}\n' });
      const { code, report } = scanJson(['c'], { cwd: broken, path: only() });
      assert.equal(code, 2);
      assert.deepEqual(report.errors.map((e) => [e.code, e.file]), [['render-error', 'c']]);
      assert.match(report.errors[0]!.message, /^helm template failed: .*nil pointer/s);
    });
  });

  it('without the programs: a clear missing-program error per input, exit 2, and the other inputs are still scanned', () => {
    const nothing = binDirectory();
    assert.ok(!existsSync(path.join(nothing, 'helm')));
    const { code, report } = scanJson([...CHECKS, 'kustomize/overlays/prod', 'charts/web', 'pod.yaml'], { cwd: root, path: nothing });
    assert.equal(code, 2);
    assert.deepEqual(report.errors.map((e) => [e.code, e.file]), [
      ['missing-program', 'kustomize/overlays/prod'],
      ['missing-program', 'charts/web'],
    ]);
    assert.match(report.errors[0]!.message, /Kustomize directory: neither kubectl nor kustomize is on PATH/);
    assert.match(report.errors[1]!.message, /Helm chart: helm is not on PATH/);
    assert.deepEqual(report.findings.map(brief), [['privileged-container', 'Pod x/plain', 'c', 'pod.yaml']]);

    const table = palisade(['scan', 'charts/web', 'pod.yaml'], { cwd: root, path: nothing });
    assert.equal(table.code, 2);
    assert.match(table.stdout, /error charts\/web: this is a Helm chart: helm is not on PATH; install helm to render it \[missing-program\]/);
  });
});

describe('splitHelmOutput', () => {
  it('groups documents by their # Source template, in output order, under the chart directory', () => {
    const stream = [
      '---',
      '# Source: web/templates/serviceaccount.yaml',
      'kind: ServiceAccount',
      '---',
      '# Source: web/charts/db/templates/service.yaml',
      'kind: Service',
      '---',
      '# Source: web/templates/serviceaccount.yaml',
      'kind: Secret',
      'data:',
      '  k: dg==',
      '---',
      'kind: Orphan',
      '',
    ].join('\n');
    assert.deepEqual(splitHelmOutput(stream, 'charts/web').map(({ source, text }) => ({ label: sourceLabel(source), text })), [
      { label: 'charts/web/templates/serviceaccount.yaml (helm template)', text: '---\n# Source: web/templates/serviceaccount.yaml\nkind: ServiceAccount\n---\n# Source: web/templates/serviceaccount.yaml\nkind: Secret\ndata:\n  k: dg==\n' },
      { label: 'charts/web/charts/db/templates/service.yaml (helm template)', text: '---\n# Source: web/charts/db/templates/service.yaml\nkind: Service\n' },
      { label: 'charts/web (helm template)', text: '---\nkind: Orphan\n' },
    ]);
  });

  it('empty output has no parts', () => {
    assert.deepEqual(splitHelmOutput('', 'c'), []);
    assert.deepEqual(splitHelmOutput('\n', 'c'), []);
  });
});
