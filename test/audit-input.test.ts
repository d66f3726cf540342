import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { followFile } from '../src/adapters/audit/follow.js';
import { LineSplitter } from '../src/adapters/audit/lines.js';
import { startAuditServer, type AuditServer } from '../src/adapters/audit/server.js';
import { DEFAULT_AUDIT_LIMITS, jsonDepthExceeds, parseAuditLine, parseEventList, type AuditEvent } from '../src/core/audit/event.js';
import { certificateAuthority, freePort } from './support/cluster.js';
import { palisade } from './support/cli.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';

/** Hostile and awkward input: bounded and refused, never a crash, never a secret in output. */

const SECRET = 'c3VwZXItc2VjcmV0LXZhbHVl'; // base64 of a secret's value, as a Secret's data holds it

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: '11111111-2222-4333-8444-555555555555',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/prod/secrets/db',
    verb: 'get',
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.1'],
    objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-12-01T10:00:00.000000Z',
    stageTimestamp: '2026-12-01T10:00:00.001000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...overrides,
  };
}

const secretResponse = () =>
  event({
    level: 'RequestResponse',
    responseObject: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db', namespace: 'prod' }, data: { password: SECRET } },
    requestObject: { kind: 'Secret', data: { password: SECRET } },
  });

describe('audit event parser: bounded, typed, bodies never kept', () => {
  it('refuses an oversized event, malformed JSON and deep nesting, without quoting the input', () => {
    const big = JSON.stringify(event({ userAgent: 'x'.repeat(2 * 1024 * 1024) }));
    const tooLarge = parseAuditLine(big);
    assert.equal(tooLarge.ok, false);
    assert.equal(!tooLarge.ok && tooLarge.error.code, 'too-large');

    const broken = parseAuditLine(`{"kind":"Event","auditID":"${SECRET}`);
    assert.equal(!broken.ok && broken.error.code, 'not-json');
    assert.ok(!broken.ok && !broken.error.message.includes(SECRET), broken.ok ? '' : broken.error.message);

    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const started = Date.now();
    const tooDeep = parseAuditLine(deep);
    assert.equal(!tooDeep.ok && tooDeep.error.code, 'too-deep');
    assert.ok(Date.now() - started < 1000);
    // Brackets inside strings do not count.
    assert.equal(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[[[[[[[[[' }), 3), false);
    assert.equal(jsonDepthExceeds('[[[[', 3), true);
  });

  it('refuses mistyped fields and events that are not audit events', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [event({ user: 'alice' }), /user must be an object/],
      [event({ user: { username: 7 } }), /user\.username must be a string/],
      [event({ verb: 7 }), /verb must be a string/],
      [event({ objectRef: [] }), /objectRef must be an object/],
      [event({ responseStatus: { code: 'ok' } }), /responseStatus\.code must be an HTTP status/],
      [event({ stageTimestamp: 'yesterday' }), /not a time/],
      [event({ user: { username: 'a', groups: new Array(1000).fill('g') } }), /more than 256 entries/],
      [event({ verb: 'x'.repeat(5000) }), /longer than 4096/],
      [{ ...event(), kind: 'Pod' }, /kind "Pod" is not Event/],
    ];
    for (const [input, message] of cases) {
      const parsed = parseAuditLine(JSON.stringify(input));
      assert.equal(parsed.ok, false, JSON.stringify(input).slice(0, 100));
      assert.match(parsed.ok ? '' : parsed.error.message, message);
    }
    assert.equal(parseAuditLine('[]').ok, false);
    assert.equal(parseAuditLine('null').ok, false);
  });

  it("keeps no request or response body: a RequestResponse Secret event's data is gone", () => {
    const parsed = parseAuditLine(JSON.stringify(secretResponse()));
    assert.ok(parsed.ok);
    assert.ok(!JSON.stringify(parsed.value).includes(SECRET));
    assert.equal((parsed.value as unknown as Record<string, unknown>).responseObject, undefined);
    // An exec's command (which may carry a password) is dropped from the URI; the container stays.
    const exec = parseAuditLine(JSON.stringify(event({ requestURI: `/api/v1/namespaces/prod/pods/web/exec?command=mysql&command=-p${SECRET}&container=app`, objectRef: { resource: 'pods', namespace: 'prod', name: 'web', subresource: 'exec' } })));
    assert.ok(exec.ok);
    assert.equal(exec.value.requestURI, '/api/v1/namespaces/prod/pods/web/exec?container=app');
  });

  it('property: any JSON never throws, and no string from a request or response body survives', () => {
    const marker = 'MARKER-9f2c';
    const body = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.constant(marker), fc.jsonValue({ maxDepth: 3 })), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), body, body, fc.constantFrom('pods', 'secrets', 'rolebindings', 'clusterroles', 'serviceaccounts'), (noise, requestObject, responseObject, resource) => {
        // Arbitrary JSON: refused or accepted, never an exception.
        parseAuditLine(JSON.stringify(noise));
        const withBodies = event({ objectRef: { resource, namespace: 'prod', name: 'x', apiGroup: resource.endsWith('roles') || resource.endsWith('bindings') ? 'rbac.authorization.k8s.io' : undefined }, requestObject: { ...requestObject, spec: { containers: [{ name: 'c', env: [{ name: 'P', value: marker }] }] }, data: { k: marker } }, responseObject });
        const parsed = parseAuditLine(JSON.stringify(withBodies));
        assert.ok(parsed.ok);
        assert.ok(!JSON.stringify(parsed.value).includes(marker));
      }),
      { numRuns: 300 },
    );
  });

  it('an EventList: each event on its own, a bad one reported without losing the others; bounded count', () => {
    const list = parseEventList(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [event(), { bad: true }, event({ auditID: 'second' })] }));
    assert.ok(list.ok);
    assert.deepEqual(list.value.events.map((item) => item.auditID), ['11111111-2222-4333-8444-555555555555', 'second']);
    assert.match(list.value.errors[0]!.message, /^items\[1\]: /);
    const many = parseEventList(JSON.stringify({ kind: 'EventList', items: new Array(20).fill(event()) }), { ...DEFAULT_AUDIT_LIMITS, maxEvents: 10 });
    assert.equal(!many.ok && many.error.code, 'too-many');
    assert.equal(parseEventList(JSON.stringify({ kind: 'PodList', items: [] })).ok, false);
  });
});

describe('line splitting and the log follower', () => {
  it('splits across chunks, keeps multi-byte characters whole and refuses a line over the limit', () => {
    const lines: string[] = [];
    const tooLong: [number, number][] = [];
    const splitter = new LineSplitter(16, { line: (text, number) => lines.push(`${number}:${text}`), tooLong: (number, bytes) => tooLong.push([number, bytes]) });
    const text = Buffer.from('héllo\nwörld\r\n0123456789abcdefXYZ\nlast');
    for (let i = 0; i < text.length; i += 3) splitter.push(text.subarray(i, i + 3));
    splitter.flush();
    assert.deepEqual(lines, ['1:héllo', '2:wörld', '4:last']);
    assert.deepEqual(tooLong, [[3, 19]]);
  });

  it('reads a file to its end; follows appends, partial lines, rename rotation and truncation', async () => {
    const dir = tempDir('palisade-follow');
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, 'old-1\nold-2\n');
    const finite: string[] = [];
    await followFile({ path: file, follow: false, line: (text) => void finite.push(text), tooLong: () => assert.fail('no line is too long') });
    assert.deepEqual(finite, ['old-1', 'old-2']);

    const seen: string[] = [];
    const rotations: string[] = [];
    const abort = new AbortController();
    const waitFor = async (count: number) => {
      const deadline = Date.now() + 5000;
      while (seen.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(seen.length >= count, `saw ${JSON.stringify(seen)}`);
    };
    // From the end: the lines already there are not read.
    const following = followFile({ path: file, follow: true, pollMs: 20, signal: abort.signal, line: (text) => void seen.push(text), tooLong: () => seen.push('TOO-LONG'), rotated: (how) => rotations.push(how) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    appendFileSync(file, 'new-1\npart');
    await waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(seen, ['new-1'], 'a partial line waits for its newline');
    appendFileSync(file, 'ial\n');
    await waitFor(2);
    // Rename rotation: the rest of the old file is read, then the new file from its start.
    appendFileSync(file, 'before-rotate\n');
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, 'late-in-old\n');
    writeFileSync(file, 'rotated-1\n');
    await waitFor(5);
    // Truncation (copytruncate): read again from the start.
    truncateSync(file, 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    writeFileSync(file, 'after-truncate\n');
    await waitFor(6);
    appendFileSync(file, `${'x'.repeat(3000)}\nok\n`);
    abort.abort();
    await following;
    assert.deepEqual(seen.slice(0, 6), ['new-1', 'partial', 'before-rotate', 'late-in-old', 'rotated-1', 'after-truncate']);
    assert.deepEqual(rotations, ['renamed', 'truncated']);
  });

  it('from the start with --from-start; a line over the limit is reported and skipped', async () => {
    const dir = tempDir('palisade-follow');
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, `first\n${'y'.repeat(5000)}\nthird\n`);
    const seen: string[] = [];
    const tooLong: number[] = [];
    const abort = new AbortController();
    const following = followFile({ path: file, follow: true, fromStart: true, pollMs: 20, maxLineBytes: 1024, signal: abort.signal, line: (text) => void seen.push(text), tooLong: (where) => void tooLong.push(where.line) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    abort.abort();
    await following;
    assert.deepEqual(seen, ['first', 'third']);
    assert.deepEqual(tooLong, [2]);
  });
});

function post(url: string, body: string | Buffer, tls: { ca: string; cert?: string; key?: string }, type = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: tls.ca, ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}), headers: { 'content-type': type } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    })
      .on('error', reject)
      .end();
  });
}

describe('the audit receiver (HTTPS, mTLS): hostile requests are refused', () => {
  let server: AuditServer;
  let ca = '';
  let client: { cert: string; key: string };
  let stranger: { cert: string; key: string };
  let otherCaClient: { cert: string; key: string };
  const received: AuditEvent[] = [];
  let url = '';

  before(async () => {
    const authority = await certificateAuthority();
    const other = await certificateAuthority();
    ca = authority.pem;
    const serving = await authority.issue('CN=palisade-audit', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    client = await authority.issue('CN=kube-apiserver', 'client');
    stranger = await authority.issue('CN=someone-else', 'client');
    otherCaClient = await other.issue('CN=kube-apiserver', 'client');
    const dir = tempDir('palisade-audit-server');
    const file = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    server = await startAuditServer({
      certFile: file('tls.crt', serving.cert),
      keyFile: file('tls.key', serving.key),
      clientCaFile: file('ca.crt', authority.pem),
      clientNames: ['kube-apiserver'],
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 64 * 1024,
      logger: pino({ level: 'silent' }),
      receive: (events) => void received.push(...events),
    });
    url = `https://127.0.0.1:${server.port}`;
  });
  after(() => server?.close());

  it('takes an EventList from an authenticated client', async () => {
    const answer = await post(`${url}/audit`, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [event()] }), { ca, ...client });
    assert.equal(answer.status, 200, answer.body);
    assert.equal(received.at(-1)?.auditID, '11111111-2222-4333-8444-555555555555');
  });

  it('refuses clients without a certificate, from another CA, or with another name', async () => {
    const body = JSON.stringify({ kind: 'EventList', items: [event()] });
    assert.equal((await post(`${url}/audit`, body, { ca })).status, 401);
    assert.equal((await post(`${url}/audit`, body, { ca, ...otherCaClient })).status, 401);
    assert.equal((await post(`${url}/audit`, body, { ca, ...stranger })).status, 403);
  });

  it('refuses oversized, malformed, deep and mistyped bodies, and other content types', async () => {
    const count = received.length;
    const big = JSON.stringify({ kind: 'EventList', items: [event({ userAgent: 'x'.repeat(100 * 1024) })] });
    assert.equal((await post(`${url}/audit`, big, { ca, ...client })).status, 413);
    const broken = await post(`${url}/audit`, `{"kind":"EventList","items":[${SECRET}`, { ca, ...client });
    assert.equal(broken.status, 400);
    assert.ok(!broken.body.includes(SECRET));
    assert.equal((await post(`${url}/audit`, `${'['.repeat(20_000)}${']'.repeat(20_000)}`, { ca, ...client })).status, 400);
    assert.equal((await post(`${url}/audit`, JSON.stringify({ kind: 'Pod' }), { ca, ...client })).status, 400);
    assert.equal((await post(`${url}/audit`, JSON.stringify({ kind: 'EventList', items: [] }), { ca, ...client }, 'text/plain')).status, 415);
    assert.equal((await post(`${url}/falco`, JSON.stringify({ rule: 'x' }), { ca, ...client })).status, 400);
    assert.equal(received.length, count);
  });

  it('serves health, readiness and metrics without a client certificate', async () => {
    assert.equal((await get(`${url}/healthz`, ca)).status, 200);
    assert.equal((await get(`${url}/readyz`, ca)).status, 200);
    const metrics = await get(`${url}/metrics`, ca);
    assert.match(metrics.body, /palisade_audit_events_received_total\{source="audit"\} \d/);
    assert.match(metrics.body, /palisade_audit_requests_rejected_total\{reason="unauthenticated"\} 3/);
    assert.match(metrics.body, /palisade_audit_requests_rejected_total\{reason="too-large"\} 1/);
  });
});

describe('palisade audit on a finite log: exit codes and output', () => {
  const dir = tempDir('palisade-audit-cli');
  const write = (name: string, lines: unknown[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
    return file;
  };

  it('0 when nothing is detected, 1 with detections (one JSON alert per line), 2 on input errors', () => {
    const quiet = palisade(['audit', '--log', write('quiet.log', [event({ user: { username: 'system:serviceaccount:prod:web', groups: [] } })])]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout, '');

    const alerts = palisade(['audit', '--log', write('alerts.log', [secretResponse(), event({ auditID: 'x2', user: { username: 'bob', groups: [] } })]), '-o', 'json']);
    assert.equal(alerts.code, 1, alerts.stderr);
    const lines = alerts.stdout.trim().split('\n').map((line) => JSON.parse(line) as { detection: string; subject: string; auditID: string; object: { name: string } });
    assert.deepEqual(lines.map((line) => [line.detection, line.subject, line.object.name, line.auditID]), [
      ['secret-read-unusual', 'alice', 'db', '11111111-2222-4333-8444-555555555555'],
      ['secret-read-unusual', 'bob', 'db', 'x2'],
    ]);
    assert.ok(!alerts.stdout.includes(SECRET));

    const bad = palisade(['audit', '--log', write('bad.log', [event({ user: { username: 'system:serviceaccount:prod:web', groups: [] } }), `{"oops": ${SECRET}`, 'x'.repeat(3000)]), '--max-line-bytes', '2048']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.log:2: not JSON/);
    assert.match(bad.stderr, /bad\.log:3: line of 3000 bytes is over the limit of 2048 bytes/);
    assert.ok(!bad.stderr.includes(SECRET));

    assert.equal(palisade(['audit', '--log', path.join(dir, 'missing.log')]).code, 2);
    assert.equal(palisade(['audit']).code, 2);
    assert.equal(palisade(['audit', '--log', 'x', '--only', 'no-such']).code, 2);
    assert.match(palisade(['audit', '--log', 'x', '--option', 'forbidden-burst.threshold=many']).stderr, /forbidden-burst\.threshold must be a number/);
  });

  it('reads stdin; --only and --option change what fires; the table is terminal-safe', () => {
    const burst = Array.from({ length: 4 }, (_, i) => event({ auditID: `d${i}`, verb: 'list', responseStatus: { code: 403 }, annotations: { 'authorization.k8s.io/decision': 'forbid' } }));
    const run = palisade(['audit', '--log', '-', '--only', 'forbidden-burst', '--option', 'forbidden-burst.threshold=3', '-o', 'json'], { input: burst.map((item) => JSON.stringify(item)).join('\n') });
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { auditID: string }).auditID), ['d2']);
    const hostile = palisade(['audit', '--log', write('escape.log', [event({ user: { username: 'eve\u001b[2J\u001b]0;pwned\u0007', groups: [] } })])]);
    assert.equal(hostile.code, 1);
    assert.ok(!hostile.stdout.includes('\u001b'), 'an escape sequence from the log reached the terminal');
  });

  it("--posture: alerts carry the object's owner, findings, service account and its power", () => {
    const manifests = path.join(dir, 'posture.yaml');
    writeFileSync(
      manifests,
      `apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {team: payments}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: prod}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: web, namespace: prod}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}, {nonResourceURLs: ['*'], verbs: ['*']}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec:
  serviceAccountName: web
  hostPID: true
  containers: [{name: app, image: nginx:1.27}]
`,
    );
    const exec = event({ auditID: 'e1', verb: 'create', requestURI: '/api/v1/namespaces/prod/pods/web/exec', objectRef: { resource: 'pods', namespace: 'prod', name: 'web', subresource: 'exec' } });
    const read = event({ auditID: 'r1', user: { username: 'bob', groups: ['system:authenticated'] } });
    const run = palisade(['audit', '--log', write('posture.log', [exec, read]), '--posture', manifests, '-o', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const [execAlert, readAlert] = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { detection: string; context?: { owner?: string; serviceAccount?: string; findings?: string[]; power?: string[] } });
    assert.equal(execAlert!.detection, 'pod-exec');
    assert.equal(execAlert!.context?.owner, 'payments');
    assert.equal(execAlert!.context?.serviceAccount, 'web');
    assert.ok(execAlert!.context?.findings?.includes('host-pid'), JSON.stringify(execAlert!.context));
    assert.deepEqual(execAlert!.context?.power, ['cluster-admin']);
    // bob may do nothing that matters: the secret's alert carries no power.
    assert.equal(readAlert!.detection, 'secret-read-unusual');
    assert.equal(readAlert!.context?.power, undefined);
  });

  it('--listen: alerts from posted EventLists on stdout, logs on stderr, metrics, SIGTERM ends it', async () => {
    const authority = await certificateAuthority();
    const serving = await authority.issue('CN=palisade-audit', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    const apiserver = await authority.issue('CN=kube-apiserver', 'client');
    const file = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const port = await freePort();
    const child = spawn(process.execPath, [repoPath('bin/palisade.js'), 'audit', '--listen', `127.0.0.1:${port}`, '--tls-cert-file', file('l.crt', serving.cert), '--tls-private-key-file', file('l.key', serving.key), '--client-ca-file', file('l-ca.crt', authority.pem), '--client-name', 'kube-apiserver', '-o', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 15_000;
    while (!stderr.includes('listening on') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = await post(`https://127.0.0.1:${port}/audit`, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [secretResponse()] }), { ca: authority.pem, ...apiserver });
    assert.equal(answer.status, 200, answer.body);
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const metrics = await get(`https://127.0.0.1:${port}/metrics`, authority.pem);
    assert.match(metrics.body, /palisade_audit_alerts_total\{detection="secret-read-unusual",severity="high"\} 1/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const alerts = stdout.trim().split('\n').map((line) => JSON.parse(line) as { detection: string; subject: string });
    assert.deepEqual(alerts.map((alert) => [alert.detection, alert.subject]), [['secret-read-unusual', 'alice']]);
    assert.ok(!stdout.includes(SECRET) && !stderr.includes(SECRET));
    // Structured logs on stderr (pino): the listening line and the stop.
    assert.match(stderr, /"event":"listening"/);
    assert.match(stderr, /"event":"stopped"/);
  });

  it('--follow stops cleanly on SIGTERM', async () => {
    const file = write('follow.log', [event()]);
    const child = spawn(process.execPath, [repoPath('bin/palisade.js'), 'audit', '--log', file, '--follow', '--from-start', '-o', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    while (!stdout.includes('alice') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    appendFileSync(file, `${JSON.stringify(event({ auditID: 'late', user: { username: 'bob', groups: [] } }))}\n`);
    while (!stdout.includes('bob') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.deepEqual(stdout.trim().split('\n').map((line) => (JSON.parse(line) as { subject: string }).subject), ['alice', 'bob']);
  });
});
