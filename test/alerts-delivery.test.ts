/**
 * Alerts end to end, as a user runs them: `palisade scan --alert` and `palisade alert` (the
 * built CLI) deliver to a real Alertmanager (Debian's prometheus-alertmanager on loopback) that
 * routes team=a and team=b to two webhook receivers of this test, grouped by team, and to a real
 * SMTP server (Debian's python3-aiosmtpd). A second run tells nothing new; a fixed finding
 * resolves its alert in Alertmanager and by mail. No byte of a Secret's value reaches anyone.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { palisadeAsync } from './support/cli.js';
import { repoPath } from './support/paths.js';
import { startAlertmanager } from './support/alertmanager.js';
import { startReceiver } from './support/receivers.js';
import { parseMail, startSmtpServer } from './support/smtp.js';
import { tempDir } from './support/temp.js';

const SECRET = 'hunter2-Sup3rS3cret-value';

interface Notification {
  receiver: string;
  status: string;
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string }[];
}

function manifests(privileged: boolean): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { team: a }
  annotations: { contact: a-oncall@example.com }
---
apiVersion: v1
kind: Namespace
metadata: { name: books }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext: { privileged: ${privileged} }
          env:
            - name: DB_PASSWORD
              value: ${SECRET}
${['api', 'cart']
  .map(
    (name) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: books, labels: { team: b } }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      hostNetwork: true
      containers:
        - name: ${name}
          image: nginx:1.27
`,
  )
  .join('')}`;
}

describe('alerts through Alertmanager and SMTP', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alertmanager: Awaited<ReturnType<typeof startAlertmanager>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const dir = tempDir('palisade-alerts-e2e');
  const config = path.join(dir, 'palisade.yaml');
  const store = path.join(dir, 'alerts.db');
  const k8s = path.join(dir, 'k8s');
  const notifications = (route: string) => receiver.received.filter((item) => item.path === route).map((item) => item.json as Notification);
  const scan = () => palisadeAsync(['scan', k8s, '--config', config, '--alert', '--alert-store', store, '--alert-scope', 'e2e', '-o', 'line']);

  before(async () => {
    receiver = await startReceiver();
    const hook = (name: string) => `  - name: ${name}\n    webhook_configs: [{ url: "${receiver.url}/${name}", send_resolved: true }]\n`;
    alertmanager = await startAlertmanager(`route:
  receiver: default
  group_by: [team]
  group_wait: 2s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['team="a"']
      receiver: team-a
    - matchers: ['team="b"']
      receiver: team-b
receivers:
${hook('default')}${hook('team-a')}${hook('team-b')}`);
    smtp = await startSmtpServer();
    mkdirSync(k8s);
    writeFileSync(path.join(k8s, 'app.yaml'), manifests(true));
    writeFileSync(
      config,
      `checks:
  only: [privileged-container, env-literal-credential, host-network]
alerts:
  minSeverity: high
  renotifyInterval: 1h
  externalURL: https://palisade.example.com/findings
  defaultRoute: { team: platform }
  sinks:
    am: { type: alertmanager, url: "${alertmanager.url}" }
    mail: { type: email, host: 127.0.0.1, port: ${smtp.port}, from: palisade@example.com, to: [security@example.com], timeout: 5s }
`,
    );
  });
  after(async () => {
    await alertmanager?.stop();
    await smtp?.stop();
    await receiver?.close();
  });

  it('routes the alerts of two teams to their receivers, grouped, and mails the owners', async () => {
    const run = await scan();
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /alerts \(e2e\): 4 new, 0 re-notified, 0 resolved, 0 already told; 8 delivered/);

    await receiver.waitFor(() => notifications('/team-a').flatMap((item) => item.alerts).length >= 2 && notifications('/team-b').flatMap((item) => item.alerts).length >= 2);
    const a = notifications('/team-a');
    const b = notifications('/team-b');
    // Grouped by team: each team's two alerts in one notification, to its own receiver.
    assert.equal(a.length, 1, JSON.stringify(a));
    assert.equal(b.length, 1, JSON.stringify(b));
    assert.deepEqual(a[0]!.groupLabels, { team: 'a' });
    assert.deepEqual(a[0]!.alerts.map((alert) => alert.labels.alertname).sort(), ['env-literal-credential', 'privileged-container']);
    assert.deepEqual(b[0]!.alerts.map((alert) => alert.labels.object).sort(), ['Deployment/api', 'Deployment/cart']);
    assert.equal(notifications('/default').length, 0);
    const privileged = a[0]!.alerts.find((alert) => alert.labels.alertname === 'privileged-container')!;
    assert.equal(privileged.status, 'firing');
    assert.deepEqual(
      Object.fromEntries(['team', 'severity', 'namespace', 'check', 'object', 'kind', 'name'].map((label) => [label, privileged.labels[label]])),
      { team: 'a', severity: 'critical', namespace: 'shop', check: 'privileged-container', object: 'Deployment/web', kind: 'Deployment', name: 'web' },
    );
    assert.match(privileged.labels.finding!, /^[0-9a-f]{16}$/);
    assert.match(privileged.annotations.summary!, /Deployment shop\/web$/);
    assert.ok(privileged.annotations.remediation!.length > 0);
    assert.equal(privileged.annotations.contact, 'a-oncall@example.com');
    assert.equal(privileged.generatorURL, 'https://palisade.example.com/findings');

    // Mail: team a's owner is the namespace's contact; team b names none, so the sink's address.
    await smtp.waitFor(4);
    assert.deepEqual(smtp.mails.map((mail) => mail.to.join(',')).sort(), ['a-oncall@example.com', 'a-oncall@example.com', 'security@example.com', 'security@example.com']);
    const mail = smtp.mails.map((item) => ({ ...item, ...parseMail(item.data) })).find((item) => item.headers.subject?.includes('privileged-container'))!;
    assert.equal(mail.from, 'palisade@example.com');
    assert.equal(mail.headers.subject, '[Palisade] FIRING critical privileged-container: Deployment shop/web');
    assert.match(mail.text, /^Firing:/);
    assert.match(mail.text, /Team: {6}a \(from the namespace\)/);
    assert.match(mail.text, /Fix: /);
    for (const text of [...smtp.mails.map((item) => item.data), ...receiver.received.map((item) => item.body)]) assert.ok(!text.includes(SECRET), 'no secret value in any alert');
  });

  it('tells nothing again on a second run within the interval', async () => {
    const run = await scan();
    assert.match(run.stderr, /alerts \(e2e\): 0 new, 0 re-notified, 0 resolved, 4 already told; 0 delivered/);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(smtp.mails.length, 4);
    const status = await palisadeAsync(['alert', 'status', '--config', config, '--alert-store', store]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /outbox: 0 pending, 8 sent, 0 given up\nfiring: 4\n/);
  });

  it('resolves the alert of a fixed finding in Alertmanager and by mail', async () => {
    writeFileSync(path.join(k8s, 'app.yaml'), manifests(false));
    const run = await scan();
    assert.match(run.stderr, /alerts \(e2e\): 0 new, 0 re-notified, 1 resolved, 3 already told; 2 delivered/);
    await receiver.waitFor(() => notifications('/team-a').some((item) => item.alerts.some((alert) => alert.labels.alertname === 'privileged-container' && alert.status === 'resolved')));
    const last = notifications('/team-a').at(-1)!;
    assert.deepEqual(last.alerts.map((alert) => [alert.labels.alertname, alert.status]).sort(), [['env-literal-credential', 'firing'], ['privileged-container', 'resolved']]);
    assert.equal(notifications('/team-b').length, 1, 'team b was not told again');
    await smtp.waitFor(5);
    const resolved = parseMail(smtp.mails[4]!.data);
    assert.equal(resolved.headers.subject, '[Palisade] RESOLVED critical privileged-container: Deployment shop/web');
    assert.deepEqual(smtp.mails[4]!.to, ['a-oncall@example.com']);
  });

  it('sends a test alert through each sink with palisade alert test', async () => {
    const run = await palisadeAsync(['alert', 'test', '--config', config, '--to', 'tester@example.com']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, 'am (alertmanager): accepted\nmail (email): accepted (to tester@example.com)\n');
    await receiver.waitFor(() => notifications('/default').length > 0);
    assert.equal(notifications('/default')[0]!.alerts[0]!.labels.team, 'platform');
    await smtp.waitFor(6);
    assert.deepEqual(smtp.mails[5]!.to, ['tester@example.com']);
  });

  it('keeps what a sink cannot take in the outbox and delivers it with palisade alert deliver', async () => {
    const down = path.join(dir, 'down.yaml');
    const deadStore = path.join(dir, 'down.db');
    writeFileSync(down, `checks:\n  only: [host-network]\nalerts:\n  minSeverity: high\n  retry: { initialDelay: 1s, maxDelay: 1s }\n  sinks:\n    am: { type: alertmanager, url: "http://127.0.0.1:1", timeout: 1s }\n`);
    const first = await palisadeAsync(['scan', k8s, '--config', down, '--alert', '--alert-store', deadStore, '--alert-timeout', '1s', '-o', 'line']);
    assert.match(first.stderr, /2 new, .*; 0 delivered, 2 pending \(retried by the next run\)/);
    // Structured log lines (pino) for the failures, naming the sink, never the URL.
    const logs = first.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; sink: string; error: string });
    assert.ok(logs.length >= 2 && logs.every((line) => line.msg === 'alert delivery failed, will retry' && line.sink === 'am' && !line.error.includes('127.0.0.1:1')), first.stderr);
    // Alertmanager is back (the configuration points at it now): the outbox delivers.
    writeFileSync(down, `alerts:\n  minSeverity: high\n  sinks:\n    am: { type: alertmanager, url: "${alertmanager.url}" }\n`);
    const deliver = await palisadeAsync(['alert', 'deliver', '--config', down, '--alert-store', deadStore]);
    assert.equal(deliver.stdout, 'alerts: 2 delivered\n');
    assert.equal(deliver.code, 0);
  });

  it('delivers once what a killed process was sending', async () => {
    // The receiver takes the first request and never answers; the process is killed mid-send.
    const hook = await startReceiver([0]);
    const killed = path.join(dir, 'killed.yaml');
    const killedStore = path.join(dir, 'killed.db');
    writeFileSync(killed, `checks:\n  only: [privileged-container]\nalerts:\n  minSeverity: high\n  sinks:\n    hook: { type: webhook, url: "${hook.url}/hook", timeout: 1s }\n`);
    writeFileSync(path.join(k8s, 'app.yaml'), manifests(true));
    const child = spawn(process.execPath, [repoPath('bin/palisade.js'), 'scan', k8s, '--config', killed, '--alert', '--alert-store', killedStore, '-o', 'line'], { stdio: 'ignore', env: { ...process.env, XDG_CACHE_HOME: dir } });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await hook.waitFor((received) => received.length === 1);
    child.kill('SIGKILL');
    await exited;
    // The claim's lease (three sink timeouts) passes; the next run delivers it, once.
    const deliver = await palisadeAsync(['alert', 'deliver', '--config', killed, '--alert-store', killedStore, '--alert-timeout', '10s']);
    assert.equal(deliver.stdout, 'alerts: 1 delivered\n', deliver.stderr);
    assert.deepEqual(hook.received.map((item) => item.status), [0, 200]);
    const again = await palisadeAsync(['alert', 'deliver', '--config', killed, '--alert-store', killedStore, '--alert-timeout', '1s']);
    assert.equal(again.stdout, 'alerts: 0 delivered\n');
    assert.equal(hook.received.length, 2);
    await hook.close();
  });
});
