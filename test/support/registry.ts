import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './cluster.js';

/**
 * A real OCI registry for tests: Debian's `docker-registry` (CNCF Distribution 2.8,
 * installed by scripts/provision.sh) on a free loopback port with its own storage
 * directory. Optionally in token-auth mode, with the token realm served by the test
 * itself (JWTs signed by a throwaway key whose certificate the registry trusts).
 */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface TokenRealmOptions {
  /** user -> password accepted with Basic credentials at the realm */
  users: Record<string, string>;
  /** repositories anyone may pull without credentials */
  publicRepositories?: string[];
}

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  host: string;
  url: string;
  /** Authorization header value with push and pull rights on a repository (token mode), else undefined */
  adminAuthorization(repository: string): string | undefined;
  /** token requests the realm answered: scope and the user (or 'anonymous') */
  tokenRequests: { scope: string; user: string }[];
  stop(): Promise<void>;
}

export function registryAvailable(): boolean {
  return existsSync(REGISTRY_BINARY);
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

interface Signer {
  certificatePem: string;
  token(subject: string, access: { type: string; name: string; actions: string[] }[]): string;
}

/** A self-signed RSA certificate (openssl) and a JWT signer with its key, as Distribution's token auth expects (x5c chain). */
function tokenSigner(dir: string, service: string, issuer: string): Signer {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  const result = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=palisade-test-token', '-days', '1'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  const key = createPrivateKey(readFileSync(keyFile));
  const certificatePem = readFileSync(certFile, 'utf8');
  const der = new X509Certificate(certificatePem).raw;
  return {
    certificatePem,
    token(subject, access) {
      const now = Math.floor(Date.now() / 1000);
      const header = { typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] };
      const claims = { iss: issuer, sub: subject, aud: service, exp: now + 600, nbf: now - 60, iat: now, jti: randomUUID(), access };
      const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`;
    },
  };
}

function realmHandler(signer: Signer, options: TokenRealmOptions, requests: TestRegistry['tokenRequests']) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://realm');
    const scope = url.searchParams.get('scope') ?? '';
    let user = 'anonymous';
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Basic ')) {
      const [name, password] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(/:(.*)/s) as [string, string];
      if (options.users[name] === undefined || options.users[name] !== password) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      user = name;
    }
    requests.push({ scope, user });
    const access = scope
      .split(' ')
      .filter(Boolean)
      .flatMap((item) => {
        const [type, name, actions] = item.split(':') as [string, string, string];
        if (user !== 'anonymous') return [{ type, name, actions: actions.split(',') }];
        return options.publicRepositories?.includes(name) ? [{ type, name, actions: ['pull'] }] : [];
      });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: signer.token(user, access), expires_in: 600 }));
  };
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`${url}/v2/`);
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer within 20 s: ${log()}`);
}

/** Starts docker-registry on loopback; `tokenRealm` switches on token auth with a realm served here. */
export async function startRegistry(options: { tokenRealm?: TokenRealmOptions } = {}): Promise<TestRegistry> {
  if (!registryAvailable()) throw new Error(`${REGISTRY_BINARY} is missing: run bash scripts/provision.sh (npm test does)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tokenRequests: TestRegistry['tokenRequests'] = [];
  let realm: Server | undefined;
  let adminAuthorization: TestRegistry['adminAuthorization'] = () => undefined;
  let auth = '';
  if (options.tokenRealm) {
    const service = 'palisade-test-registry';
    const issuer = 'palisade-test-realm';
    const signer = tokenSigner(dir, service, issuer);
    writeFileSync(path.join(dir, 'realm.crt'), signer.certificatePem);
    realm = createServer(realmHandler(signer, options.tokenRealm, tokenRequests));
    await new Promise<void>((resolve) => realm!.listen(0, '127.0.0.1', resolve));
    const realmPort = (realm.address() as { port: number }).port;
    auth = `auth:\n  token:\n    realm: http://127.0.0.1:${realmPort}/token\n    service: ${service}\n    issuer: ${issuer}\n    rootcertbundle: ${path.join(dir, 'realm.crt')}\n`;
    adminAuthorization = (repository) => `Bearer ${signer.token('admin', [{ type: 'repository', name: repository, actions: ['pull', 'push', 'delete'] }])}`;
  }
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: ${host}\n  secret: palisade-test\n${auth}`,
  );
  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const url = `http://${host}`;
  try {
    await waitReady(url, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    realm?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const registry: TestRegistry = {
    host,
    url,
    tokenRequests,
    adminAuthorization,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (realm) await new Promise((resolve) => realm!.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return registry;
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
