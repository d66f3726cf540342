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
import { MATRIX_OUTPUTS } from '../src/cli/formatters/netpol.js';
import { RBAC_OUTPUTS } from '../src/cli/formatters/rbac.js';
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
