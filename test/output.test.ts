import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../src/cli/main.js';
import type { CommandIO } from '../src/cli/io.js';
import { COMMAND_OUTPUTS } from '../src/cli/output/catalog.js';
import { visible } from '../src/cli/output/escape.js';
import { markdownTableChunks } from '../src/cli/output/markdown-table.js';
import { chooseOutput, defineOutputs, formatChoice, formatList, type RenderContext } from '../src/cli/output/registry.js';
import { columnWidths, tableChunks, tableText } from '../src/cli/output/table.js';
import { writeOutput } from '../src/cli/output/write.js';
import { CATALOG_OUTPUTS } from '../src/cli/formatters/catalog.js';
import { IMAGE_OUTPUTS, type ImageInventoryReport } from '../src/cli/formatters/image.js';
import { EXPLAIN_OUTPUTS, EXPOSURE_OUTPUTS, GENERATE_OUTPUTS, MATRIX_OUTPUTS, type Explanation, type GenerateResult } from '../src/cli/formatters/netpol.js';
import { RBAC_OUTPUTS, type RbacView } from '../src/cli/formatters/rbac.js';
import type { ImageScanEntry } from '../src/adapters/images/pipeline.js';
import type { AnyCheck } from '../src/core/model/check.js';
import type { Side } from '../src/core/network/analysis.js';
import type { ExposureItem } from '../src/core/network/exposure.js';
import type { EscalationsView } from '../src/core/rbac/escalation.js';
import { ALL_PORTS, portSetOf } from '../src/core/network/ports.js';
import type { WorkloadConnection } from '../src/core/network/workloads.js';
import type { GrantView, WhoCanView } from '../src/core/rbac/views.js';

const CONTEXT: RenderContext = { color: false, cwd: '/', version: '0.0.0-test', now: new Date('2026-01-01T00:00:00Z') };

function memoryIO(): { io: CommandIO; out: () => string; err: () => string; writes: () => number } {
  let stdout = '';
  let stderr = '';
  let writes = 0;
  const io: CommandIO = {
    stdout: (text) => {
      writes++;
      stdout += text;
    },
    stderr: (text) => void (stderr += text),
    progress: () => undefined,
    stdin: async () => Buffer.alloc(0),
    now: () => CONTEXT.now,
    cwd: process.cwd(),
    color: false,
    version: CONTEXT.version,
  };
  return { io, out: () => stdout, err: () => stderr, writes: () => writes };
}

async function rendered(output: string | Iterable<string> | Promise<string | Iterable<string>>): Promise<string> {
  const { io, out } = memoryIO();
  await writeOutput(io, await output);
  return out();
}

describe('the table writer', () => {
  it('pads every column but the last to its widest cell, header included, and trims the line', () => {
    const text = tableText(
      [
        ['a', 'bb', 'c'],
        ['dddd', '', ''],
      ],
      { header: ['H1', 'H2', 'LAST'] },
    );
    assert.equal(text, 'H1    H2  LAST\na     bb  c\ndddd\n');
  });

  it('rows may differ in length: the last cell of each row is never padded', () => {
    assert.equal(tableText([['x', 'long cell'], ['yy']]), 'x   long cell\nyy\n');
  });

  it('fixed widths pad without measuring; a maximum caps measured widths and longer cells overflow', () => {
    assert.equal(tableText([['a', 'b', 'c']], { columns: [{ width: 4 }, { width: 1 }] }), 'a     b  c\n');
    assert.deepEqual(columnWidths([['123456', 'ab', 'x']], { max: 4, columns: [undefined, { max: 1 }] }), [4, 1, 1]);
    assert.equal(tableText([['123456', 'x'], ['1', 'y']], { max: 4 }), '123456  x\n1     y\n');
  });

  it('takes a generator (held, then measured) as well as an array', () => {
    function* rows() {
      yield ['a', '1'];
      yield ['bbb', '2'];
    }
    assert.equal(tableText(rows()), 'a    1\nbbb  2\n');
  });

  it('escapes control characters in cells: a line feed in a name makes no fake line, an escape sequence reaches no terminal', () => {
    const text = tableText([['evil\nFAKE  row', '\u001b[31mred'], ['ok', 'x']], { header: ['NAME', 'NOTE'] });
    assert.equal(text.split('\n').length, 4, text);
    assert.ok(!text.includes('\u001b'));
    assert.match(text, /^evil\\u000aFAKE {2}row {2}\\u001b\[31mred$/m);
    // widths are measured on the escaped text
    assert.match(text, /^NAME {17}NOTE$/m);
  });

  it('renders 200,000 rows with exact widths, in chunks, without exhausting the call stack', async () => {
    const rows: string[][] = [];
    for (let index = 0; index < 200_000; index++) rows.push([`row-${index}`, String(index % 7), 'tail']);
    rows.push(['x'.repeat(40), 'wide-second-column', 'end']);
    const { io, out, writes } = memoryIO();
    await writeOutput(io, tableChunks(rows, { header: ['NAME', 'N', 'REST'] }));
    const lines = out().split('\n');
    assert.equal(lines.length, 200_003);
    assert.equal(lines[0], `${'NAME'.padEnd(40)}  ${'N'.padEnd(18)}  REST`);
    assert.equal(lines[1], `${'row-0'.padEnd(40)}  ${'0'.padEnd(18)}  tail`);
    assert.ok(writes() < 20, `${writes()} writes: chunks are batched`);
  });
});

describe('escaping', () => {
  it('visible escapes every control character, line feeds and tabs included', () => {
    assert.equal(visible('a\nb\tc\u0007\u009b'), 'a\\u000ab\\u0009c\\u0007\\u009b');
    assert.equal(visible('plain é'), 'plain é');
  });

  it('Markdown cells escape pipes and control characters', () => {
    assert.equal([...markdownTableChunks(['A|B', 'C'], [['x|y', 'line\nbreak']])].join(''), '| A\\|B | C |\n|---|---|\n| x\\|y | line\\u000abreak |\n');
  });
});

describe('scan table', () => {
  it('a line feed in an object name or a message makes no fake line', async () => {
    const run = memoryIO();
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "web\\nFAKE LINE"\n  namespace: shop\nspec:\n  hostNetwork: true\n  containers: [{name: "app\\nFAKE", image: nginx}]\n';
    run.io.stdin = async () => Buffer.from(manifest);
    await main(['scan', '--check', 'host-network', '--check', 'run-as-root', '-'], run.io);
    assert.match(run.out(), /Pod\/shop\/web\\u000aFAKE LINE/);
    for (const line of run.out().split('\n')) assert.ok(!line.startsWith('FAKE'), line);
  });
});

describe('the output registry', () => {
  const outputs = defineOutputs<string>({ default: 'table', formats: { table: (value) => `${value}\n`, json: (value) => `${JSON.stringify(value)}\n` } });

  it('chooses the default, a named format, or says which formats exist', () => {
    assert.equal(chooseOutput(outputs, undefined).name, 'table');
    assert.equal(chooseOutput(outputs, 'json').render('x', CONTEXT), '"x"\n');
    assert.throws(() => chooseOutput(outputs, 'pdf'), { name: 'UsageError', message: 'unknown output format "pdf" (one of table, json)' });
    assert.throws(() => chooseOutput(outputs, 'toString'), /unknown output format "toString"/);
    const scoped = defineOutputs<string>({ ...outputs, scope: 'graph' });
    assert.throws(() => chooseOutput(scoped, 'pdf'), { message: 'unknown output format "pdf" (graph: -o must be table or json)' });
    assert.equal(formatList(outputs), 'table, json');
    assert.equal(formatChoice(defineOutputs<string>({ default: 'a', formats: { a: String, b: String, c: String } })), 'a, b or c');
    assert.throws(() => defineOutputs<string>({ default: 'csv', formats: { table: String } }), /default output format "csv"/);
  });

  it('writes a string as it is, and chunks batched into large writes', async () => {
    const { io, out, writes } = memoryIO();
    await writeOutput(io, (function* () {
      for (let index = 0; index < 100_000; index++) yield `${index}\n`;
    })());
    assert.equal(out().split('\n').length, 100_001);
    assert.equal(writes(), 1);
  });

  for (const [command, outputs] of Object.entries(COMMAND_OUTPUTS)) {
    it(`${command}: -o is checked by the registry and --help lists every format`, async () => {
      const words = command.split(' ');
      const extra: Record<string, string[]> = { db: ['status'], rbac: ['who-can', 'get', 'pods'] };
      const run = memoryIO();
      const code = await main([...words, ...(extra[command] ?? []), '-o', 'pdf'], run.io);
      assert.equal(code, 2);
      assert.match(run.err(), new RegExp(`unknown output format "pdf" \\(.*${formatNames(outputs).join('.*')}`));
      const help = memoryIO();
      assert.equal(await main([words[0]!, '--help'], help.io), 0);
      for (const format of formatNames(outputs)) assert.match(help.out(), new RegExp(`\\b${format}\\b`), `${command} --help lists ${format}`);
    });
  }
});

function formatNames(outputs: { formats: object }): string[] {
  return Object.keys(outputs.formats);
}

describe('command tables at scale', () => {
  it('netpol matrix: 200,000 connections as a table, CSV and Markdown', async () => {
    const connections: WorkloadConnection[] = [];
    for (let index = 0; index < 200_000; index++) connections.push({ from: `ns-${index % 100}/Deployment/app-${index}`, to: `ns-${index % 50}/StatefulSet/db`, ports: index % 2 ? ALL_PORTS : portSetOf('TCP', 5432, 5432) });
    const table = await rendered(MATRIX_OUTPUTS.formats.table!({ connections, scope: 'both' }, CONTEXT));
    const lines = table.split('\n');
    assert.equal(lines.length, 200_002);
    const width = 'ns-99/Deployment/app-199999'.length;
    assert.match(lines[0]!, new RegExp(`^FROM {${width - 4 + 2}}TO {2,}PORTS {2,}ADDRESSES$`));
    assert.equal(lines[1]!.indexOf('ns-0/StatefulSet/db'), width + 2);
    const csv = await rendered(MATRIX_OUTPUTS.formats.csv!({ connections, scope: 'both' }, CONTEXT));
    assert.equal(csv.split('\n').length, 200_002);
    const markdown = await rendered(MATRIX_OUTPUTS.formats.markdown!({ connections, scope: 'both' }, CONTEXT));
    assert.equal(markdown.split('\n').length, 200_003);
  });

  it('netpol matrix: a workload name with a line feed stays on its row', async () => {
    const connections: WorkloadConnection[] = [{ from: 'a/Deployment/x\nfake/Deployment/row', to: 'b/Deployment/y', ports: ALL_PORTS }];
    const table = await rendered(MATRIX_OUTPUTS.formats.table!({ connections, scope: 'both' }, CONTEXT));
    assert.equal(table.split('\n').length, 3, table);
  });

  it('rbac who-can: 200,000 grants as a table', async () => {
    const grants: GrantView[] = [];
    for (let index = 0; index < 200_000; index++) {
      grants.push({
        subject: `serviceaccount:ns-${index % 1000}:sa-${index}`,
        namespace: index % 3 ? `ns-${index % 1000}` : '',
        binding: { kind: 'RoleBinding', name: `binding-${index}`, namespace: `ns-${index % 1000}` },
        role: { kind: 'ClusterRole', name: 'reader' },
        rule: { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: [], nonResourceURLs: [], declaredIn: 'ClusterRole/reader', index: 0 },
      });
    }
    const view: WhoCanView = { apiVersion: 'palisade.dev/rbac/v1', kind: 'WhoCan', request: { verb: 'get', resource: 'secrets', text: 'get secrets' }, superuserGroups: ['system:masters'], subjects: [], grants };
    const text = await rendered(RBAC_OUTPUTS.formats.table!(view, CONTEXT));
    const lines = text.split('\n');
    assert.equal(lines.length, 3 + 200_001 + 1);
    assert.match(lines[3]!, /^SUBJECT {2,}WHERE {2,}BINDING {2,}ROLE {2,}RULE$/);
    assert.equal(lines[3]!.indexOf('WHERE'), 'serviceaccount:ns-999:sa-199999'.length + 2);
  });
});

/** Text a terminal shows as written: no control character, no Unicode line break, no bidi override; only the line feeds between lines. */
function assertInert(text: string, label: string): void {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.exec(text);
  assert.equal(bad, null, `${label}: raw U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(text.slice(Math.max(0, (bad?.index ?? 0) - 40), (bad?.index ?? 0) + 40))}`);
  for (const line of text.split('\n')) assert.ok(!line.startsWith('FAKE'), `${label}: a fake line: ${line}`);
}

const EVIL = 'x\nFAKE line\r\u001b[2J\u2028\u202e';

function grant(subject: string, index = 0): GrantView {
  return {
    subject,
    namespace: 'shop',
    binding: { kind: 'RoleBinding', name: `b${EVIL}`, namespace: 'shop' },
    role: { kind: 'Role', name: `r${EVIL}`, namespace: 'shop' },
    rule: { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: [`n${EVIL}`], nonResourceURLs: [], declaredIn: `Role/shop/r${EVIL}`, index },
  };
}

function imageEntry(packages: number): ImageScanEntry {
  const layer = { index: 0, digest: 'sha256:0' };
  return {
    image: { reference: `registry.example/app${EVIL}:1`, digest: 'sha256:1', user: `root${EVIL}`, exposedPorts: [`80${EVIL}`], created: `2024${EVIL}`, platform: { os: `linux${EVIL}`, architecture: 'amd64' }, layers: [layer] },
    os: { id: 'debian', versionId: '12', prettyName: `Debian${EVIL}` },
    osSupport: { state: 'supported', dataAsOf: '2026-01-01' },
    scannedAt: '2026-01-01T00:00:00Z',
    packages: Array.from({ length: packages }, (_, index) => ({ ecosystem: 'npm', scheme: 'npm' as const, name: index === 0 ? `pkg${EVIL}` : `pkg-${index}`, version: `1.0.${index}`, path: `app/node_modules/pkg-${index}/package.json`, layer, ...(index === 1 ? { ownedByOsPackage: `deb${EVIL}` } : {}) })),
    problems: [{ path: `etc/${EVIL}`, message: `bad${EVIL}` }],
    vulnerabilities: [],
  };
}

describe('every command table: control characters escaped, any size streamed', () => {
  it('netpol: matrix, exposure, explain and generate --diff', async () => {
    const connections: WorkloadConnection[] = [{ from: `a/Deployment/${EVIL}`, to: 'b/Deployment/y', ports: ALL_PORTS }];
    for (const format of ['table', 'markdown'] as const) assertInert(await rendered(MATRIX_OUTPUTS.formats[format]!({ connections, scope: 'both' }, CONTEXT)), `matrix ${format}`);
    // CSV is data (RFC 4180): the value is kept as it is, quoted, a carriage return included.
    assert.equal(await rendered(MATRIX_OUTPUTS.formats.csv!({ connections: [{ from: 'a\rb', to: 'c', ports: ALL_PORTS }], scope: 'both' }, CONTEXT)), 'from,to,ports,addresses\n"a\rb",c,all,\n');
    const items: ExposureItem[] = [{ workload: `a/Deployment/${EVIL}`, exposure: 'external-ingress', ports: ALL_PORTS, detail: `Service ${EVIL}` }];
    for (const format of ['table', 'markdown'] as const) assertInert(await rendered(EXPOSURE_OUTPUTS.formats[format]!(items, CONTEXT)), `exposure ${format}`);
    const side: Side = { isolated: true, applies: true, selectingPolicies: [`p${EVIL}`], allowingRules: [{ policy: `p${EVIL}`, direction: 'Ingress', rule: 0, ports: ALL_PORTS }], ports: ALL_PORTS } as Side;
    const explanation: Explanation = { allowed: true, ports: ALL_PORTS, results: [{ from: `a/Deployment/${EVIL}`, to: `b/Deployment/${EVIL}`, allowed: true, ports: ALL_PORTS, egress: side, ingress: side, caveats: [`10.0.0.0/8${EVIL}`] }] };
    assertInert(await rendered(EXPLAIN_OUTPUTS.formats.text!(explanation, CONTEXT)), 'explain text');
    const diff: GenerateResult = { kind: 'ProposalDiff', policies: 1, changes: [{ change: 'removed', connection: `a/Deployment/${EVIL} -> b`, before: `all${EVIL}`, after: 'none' }] };
    assertInert(await rendered(GENERATE_OUTPUTS.formats.yaml!(diff, CONTEXT)), 'generate --diff');
  });

  it('rbac: who-can, can, permissions and escalations, as a table and as Markdown', async () => {
    const request = { verb: 'get', resource: 'secrets', text: `get secrets ${EVIL}` };
    const identity = { user: `jane${EVIL}`, groups: [`devs${EVIL}`] };
    const views: RbacView[] = [
      { apiVersion: 'palisade.dev/rbac/v1', kind: 'WhoCan', request, superuserGroups: ['system:masters'], subjects: [`user:${EVIL}`], grants: [grant(`user:${EVIL}`)] },
      { apiVersion: 'palisade.dev/rbac/v1', kind: 'Can', subject: `user:${EVIL}`, identity, request, allowed: true, answer: 'yes', superuser: false, grants: [grant('u', 0), grant('u', 1)], reason: `RoleBinding ${EVIL}` },
      { apiVersion: 'palisade.dev/rbac/v1', kind: 'Permissions', subject: `user:${EVIL}`, identity, superuser: false, clusterWide: [], namespaces: { [`shop${EVIL}`]: [grant('u')] }, danglingBindings: [{ kind: 'RoleBinding', name: `d${EVIL}`, namespace: 'shop' }] },
      { apiVersion: 'palisade.dev/rbac/v1', kind: 'Escalations', paths: [{ subject: `user:${EVIL}`, reaches: 'cluster-admin', steps: [{ action: 'bind', from: `user:${EVIL}`, to: 'cluster-admin', text: `binds ${EVIL}`, via: `RoleBinding ${EVIL}` } as EscalationsView['paths'][number]['steps'][number]] }] },
    ];
    for (const view of views) for (const format of ['table', 'markdown'] as const) assertInert(await rendered(RBAC_OUTPUTS.formats[format]!(view, CONTEXT)), `rbac ${view.kind} ${format}`);
  });

  it('image: 200,000 packages as a table, streamed in small chunks, every field from the image escaped', async () => {
    const report: ImageInventoryReport = { apiVersion: 'palisade.dev/image/v1', kind: 'ImageInventoryReport', generator: 'test', images: [imageEntry(200_000)], errors: [{ image: `bad${EVIL}`, message: `unreachable${EVIL}` }] };
    const output = await IMAGE_OUTPUTS.formats.table!(report, CONTEXT);
    assert.notEqual(typeof output, 'string', 'the table is written in chunks');
    const chunks = [...(output as Iterable<string>)];
    const largest = chunks.reduce((most, chunk) => Math.max(most, chunk.length), 0);
    assert.ok(largest < 64 * 1024, `largest chunk ${largest} characters`);
    const text = await rendered(chunks);
    assertInert(text, 'image table');
    assert.ok(text.split('\n').length > 200_000);
    assert.match(text, /^pkg-199999 {2,}1\.0\.199999/m);
  });

  it('checks: 200,000 catalog entries as a table; a title with a line feed stays on its row', async () => {
    const checks = Array.from({ length: 200_000 }, (_, index) => ({ id: `check-${index}`, severity: 'low', category: 'workload', enabledByDefault: index % 2 === 0, title: index === 7 ? `title ${EVIL}` : `title ${index}` })) as unknown as AnyCheck[];
    const text = await rendered(CATALOG_OUTPUTS.formats.table!(checks, CONTEXT));
    assert.equal(text.split('\n').length, 200_001);
    assertInert(text, 'checks table');
  });

  it('scan: the table and Markdown reports', async () => {
    const run = memoryIO();
    const manifest = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${JSON.stringify(`web${EVIL}`)}\n  namespace: shop\nspec:\n  hostNetwork: true\n  containers: [{name: ${JSON.stringify(`app${EVIL}`)}, image: nginx}]\n`;
    for (const format of ['table', 'markdown']) {
      run.io.stdin = async () => Buffer.from(manifest);
      await main(['scan', '--check', 'host-network', '--check', 'run-as-root', '-o', format, '-'], run.io);
    }
    assertInert(run.out(), 'scan');
  });
});
