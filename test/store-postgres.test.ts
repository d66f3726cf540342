/**
 * The PostgreSQL store adapters against a real PostgreSQL server (Debian's package, started by
 * test/support/postgres.ts on loopback): the same contract as the SQLite adapters
 * (test/support/store-contract.ts), then what only a shared server has to get right: migrations
 * run by replicas starting together, two outbox consumers draining one outbox, and URLs whose
 * password is never shown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openAlertOutbox, openFindingStore, redactLocation } from '../src/adapters/store/open.js';
import { migrate } from '../src/adapters/store/postgres/migrate.js';
import { MIGRATIONS } from '../src/adapters/store/postgres/migrations.js';
import { alertsOf, ownerDirectory, proseOf, recordRun } from '../src/app/alerts.js';
import { parseAlertSettings } from '../src/core/alerts/config.js';
import { palisade } from './support/cli.js';
import { scanText } from './support/scan.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { alertOutboxContract, decisionStoreContract, findingStoreContract } from './support/store-contract.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const postgres = { name: 'PostgreSQL', location: () => server.createDatabase() };
findingStoreContract(postgres);
alertOutboxContract(postgres);
decisionStoreContract(postgres);

describe('PostgreSQL migrations', () => {
  it('are applied once, in order, recorded in schema_migrations, and idempotent', async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      assert.deepEqual(await migrate(pool, MIGRATIONS), MIGRATIONS.map((migration) => migration.version));
      assert.deepEqual(await migrate(pool, MIGRATIONS), [], 'nothing to do the second time');
      const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((row) => row.version), [1, 2, 3]);
      const tables = (await pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")).rows.map((row) => row.table_name);
      assert.deepEqual(tables, ['alert_states', 'decisions', 'deliveries', 'findings', 'history', 'runs', 'schema_migrations']);
    } finally {
      await pool.end();
    }
  });

  it('are safe when replicas start together: each migration is applied by one of them', async () => {
    const url = await server.createDatabase();
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url }));
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool, MIGRATIONS)));
      assert.deepEqual(applied.flat().sort(), [1, 2, 3], `every version applied exactly once: ${JSON.stringify(applied)}`);
      // Stores opened together on a fresh database (each migrates on open) all work.
      const fresh = await server.createDatabase();
      const stores = await Promise.all([openFindingStore(fresh), openFindingStore(fresh), openAlertOutbox(fresh), openAlertOutbox(fresh)]);
      for (const store of stores) await store.close();
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('roll back a migration that fails, and refuse a database migrated by a newer Palisade', async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      await assert.rejects(migrate(pool, [...MIGRATIONS, { version: 4, name: 'broken', sql: 'CREATE TABLE half (id INT); SELECT no_such_function();' }]), /schema migration 4 \(broken\)/);
      assert.equal((await pool.query("SELECT to_regclass('half') AS t")).rows[0].t, null, 'nothing of the failed migration is left');
      assert.deepEqual((await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((row) => row.version), [1, 2, 3]);
      await pool.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
      await assert.rejects(openFindingStore(url), (error: Error) => /schema migration 99, this Palisade knows up to 3/.test(error.message) && !error.message.includes(server.password));
    } finally {
      await pool.end();
    }
  });
});

describe('the PostgreSQL outbox with several replicas', () => {
  it('never gives one delivery to two consumers draining at once', async () => {
    const url = await server.createDatabase();
    const { settings, problems } = parseAlertSettings({ alerts: { sinks: { a: { type: 'webhook', url: 'http://127.0.0.1:1' }, b: { type: 'webhook', url: 'http://127.0.0.1:2' } } } }, new Set());
    assert.deepEqual(problems, []);
    const writer = await openAlertOutbox(url);
    const T0 = new Date('2026-06-01T12:00:00Z');
    // 200 findings, each to two sinks: 400 deliveries.
    const manifests = Array.from({ length: 200 }, (_, index) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${index}, namespace: shop}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx:1.27}]\n`).join('---\n');
    const scanned = scanText(manifests, { only: ['host-network'] });
    const alerts = alertsOf(scanned.findings, ownerDirectory(scanned.loaded.resources), proseOf(scanned.plan.checks), settings, T0);
    assert.equal((await recordRun(writer, settings, 'test', alerts, T0)).new, 200);
    assert.equal((await writer.counts()).pending, 400);
    const consumers = await Promise.all([openAlertOutbox(url), openAlertOutbox(url), openAlertOutbox(url)]);
    const delivered: string[][] = consumers.map(() => []);
    await Promise.all(
      consumers.map(async (consumer, index) => {
        for (;;) {
          const batch = await consumer.claimDue(T0, 7, 60_000);
          if (batch.length === 0) return;
          for (const delivery of batch) {
            delivered[index]!.push(delivery.id);
            await consumer.markSent(delivery.id, T0);
          }
        }
      }),
    );
    const all = delivered.flat();
    assert.equal(all.length, 400, 'every delivery claimed');
    assert.equal(new Set(all).size, 400, 'no delivery claimed twice');
    assert.ok(delivered.filter((ids) => ids.length > 0).length >= 2, `the consumers shared the work: ${delivered.map((ids) => ids.length).join(', ')}`);
    assert.deepEqual(await writer.counts(), { pending: 0, sent: 400, dead: 0 });
    for (const store of [writer, ...consumers]) await store.close();
  });
});

describe('PostgreSQL locations', () => {
  it('selects PostgreSQL by URL and never shows the password', async () => {
    assert.equal(redactLocation('postgres://palisade:hunter2@db:5432/palisade'), 'postgres://palisade:***@db:5432/palisade');
    assert.equal(redactLocation('postgresql://u@db/x?password=hunter2'), 'postgresql://u@db/x?password=***');
    assert.equal(redactLocation('/var/lib/palisade/findings.db'), '/var/lib/palisade/findings.db');
    const url = await server.createDatabase();
    const wrong = url.replace(encodeURIComponent(server.password), 'wrong-Pa55word');
    await assert.rejects(openFindingStore(wrong), (error: Error) => /password authentication failed/.test(error.message) && error.message.includes(':***@') && !error.message.includes('wrong-Pa55word'));
  });

  it('palisade alert status reads a PostgreSQL outbox, and its errors name the URL without the password', async () => {
    const url = await server.createDatabase();
    const config = `alerts:\n  sinks:\n    hook: { type: webhook, url: "http://127.0.0.1:1" }\n`;
    const { tempDir } = await import('./support/temp.js');
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const file = path.join(tempDir('palisade-pg-cli'), 'palisade.yaml');
    writeFileSync(file, config);
    const status = palisade(['alert', 'status', '--config', file, '--alert-store', url]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^outbox: 0 pending, 0 sent, 0 given up$/m);
    const wrong = url.replace(encodeURIComponent(server.password), 'wrong-Pa55word');
    const failed = palisade(['alert', 'status', '--config', file, '--alert-store', wrong]);
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /:\*\*\*@127\.0\.0\.1/);
    assert.ok(!failed.stderr.includes('wrong-Pa55word') && !failed.stdout.includes('wrong-Pa55word'), failed.stderr);
    // palisade watch opens its store before contacting the cluster: a usage error naming the URL, password masked.
    const watch = palisade(['watch', '--store', wrong, '--kubeconfig', path.join(path.dirname(file), 'no-kubeconfig')]);
    assert.equal(watch.code, 2, watch.stderr);
    assert.match(watch.stderr, /--store postgres:\/\/palisade:\*\*\*@127\.0\.0\.1:\d+\/t\d+: .*password authentication failed/);
    assert.ok(!watch.stderr.includes('wrong-Pa55word'), watch.stderr);
  });
});
