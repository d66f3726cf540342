import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { tempDir } from './temp.js';

/**
 * A real PostgreSQL server from Debian's package (scripts/provision.sh installs `postgresql`),
 * started for a test file in a temporary data directory: listening on 127.0.0.1 on a free port,
 * its unix socket in the temporary directory, password authentication (scram-sha-256) over TCP.
 * The tests run as root and postgres refuses root, so initdb and postgres run as the `postgres`
 * user the package creates (setpriv, which execs: the signal that stops it reaches postgres).
 */
export interface PostgresServer {
  /** A URL (with the password) of a new, empty database. */
  createDatabase(): Promise<string>;
  password: string;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(path.join(root, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/<version>/bin/postgres): run bash scripts/provision.sh (npm test does)');
  return path.join(root, versions[0]!, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const root = process.getuid?.() === 0;
/** A command as the postgres user when the tests run as root (postgres refuses root), else as is. */
const asPostgres = (bin: string, args: string[]): [string, string[]] => (root ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', bin, ...args]] : [bin, args]);

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = tempDir('palisade-postgres');
  const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout);
  if (root) chownSync(dir, uid, Number(spawnSync('id', ['-g', 'postgres']).stdout));
  const password = `pw-${Math.random().toString(36).slice(2)}-s3cret`;
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (root) chownSync(pwfile, uid, 0);
  const data = path.join(dir, 'data');
  const init = spawnSync(...asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'palisade', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']), { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const server = spawn(...asPostgres(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=50']), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // A test process that ends without stop() (a failure, a timeout) takes its server with it (immediate shutdown).
  const orphan = () => {
    if (server.exitCode === null) server.kill('SIGQUIT');
  };
  process.once('exit', orphan);
  const base = `postgres://palisade:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${(error as Error).message}\n${log}`);
      await sleep(100);
    }
  }
  let databases = 0;
  return {
    password,
    async createDatabase() {
      const name = `t${++databases}`;
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    },
    async stop() {
      process.removeListener('exit', orphan);
      if (server.exitCode === null) server.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}
