import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { repoPath } from './paths.js';

/**
 * A real control plane for tests: etcd and kube-apiserver built from Go modules
 * (test/cluster, provisioned into .cache/bin by scripts/provision.sh), on
 * loopback ports, with a fresh CA, client certificates, a token file for test
 * users, RBAC and Node authorization, and a JSON audit log.
 */
export interface TestCluster {
  url: string;
  dir: string;
  kubeconfig: string;
  auditLog: string;
  ca: string;
  /** client certificate and key of a system:masters user */
  admin: { cert: string; key: string };
  /** bearer tokens of the users in the token file, by user name */
  tokens: Record<string, string>;
  /** the command lines the control plane runs with (for hardening checks whose answers are known) */
  commands: { apiserver: string[]; etcd: string[] };
  get(pathname: string, as?: As): Promise<{ status: number; body: string }>;
  post(pathname: string, body: unknown, as?: As): Promise<{ status: number; body: string }>;
  /** any method (PUT, PATCH with a JSON merge patch content type is not supported: use PUT) */
  request(method: string, pathname: string, body?: unknown, as?: As): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/**
 * Who a request is sent as: the system:masters admin by default; a bearer token; no
 * credentials at all (system:anonymous, with anonymousAuth); and, with the admin's
 * certificate, impersonating a user (Impersonate-User).
 */
export interface As {
  token?: string;
  anonymous?: boolean;
  impersonate?: string;
}

export const CLUSTER_BINARIES = {
  etcd: repoPath('.cache/bin/etcd'),
  apiserver: repoPath('.cache/bin/kube-apiserver'),
  controllerManager: repoPath('.cache/bin/kube-controller-manager'),
};

export interface ClusterOptions {
  /**
   * Also run kube-controller-manager with only the controllers tests need:
   * ClusterRole aggregation, service accounts and their token Secrets.
   */
  controllerManager?: boolean;
  /** kube-apiserver feature gates to set (`--feature-gates`), e.g. to behave as a newer release does by default. */
  featureGates?: Record<string, boolean>;
  /** Authenticate requests without credentials as system:anonymous (`--anonymous-auth=true`; default false). */
  anonymousAuth?: boolean;
  /** The audit policy (an audit.k8s.io/v1 Policy as YAML) instead of the default (Metadata for everything but health checks). */
  auditPolicy?: string;
  /**
   * Also send audit events to a webhook (`--audit-webhook-config-file`, a kubeconfig): the
   * receiver's URL, the CA that signed its serving certificate, and the client certificate
   * the API server presents. Sent in blocking mode, so an event is delivered before its
   * request is answered.
   */
  auditWebhook?: { url: string; ca: string; cert: string; key: string };
}

export function clusterAvailable(): boolean {
  return existsSync(CLUSTER_BINARIES.etcd) && existsSync(CLUSTER_BINARIES.apiserver);
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as never);
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

interface Issued {
  cert: string;
  key: string;
}

export async function certificateAuthority(): Promise<{ issue: (subject: string, usage: 'server' | 'client', names?: x509.JsonGeneralNames) => Promise<Issued>; pem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=palisade-test-ca',
    notBefore,
    notAfter,
    keys: keys as CryptoKeyPair,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  let serial = 1;
  return {
    pem: ca.toString('pem'),
    async issue(subject, usage, names) {
      const pair = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      ];
      if (names) extensions.push(new x509.SubjectAlternativeNameExtension(names));
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (++serial).toString(16).padStart(2, '0'),
        subject,
        issuer: ca.subject,
        notBefore,
        notAfter,
        signingKey: (keys as CryptoKeyPair).privateKey,
        publicKey: (pair as CryptoKeyPair).publicKey,
        signingAlgorithm: ALGORITHM,
        extensions,
      });
      return { cert: cert.toString('pem'), key: await keyPem((pair as CryptoKeyPair).privateKey) };
    },
  };
}

/** A free loopback port (the kernel picks it; released just before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function started(child: ChildProcess, name: string, log: string[]): void {
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 400) log.splice(0, log.length - 400);
  });
  child.once('error', (error) => log.push(`${name}: ${error.message}`));
}

/**
 * Admission configuration: Pod Security stays permissive for enforcement (tests create
 * privileged workloads on purpose) but audits and warns at restricted, so the audit log
 * carries pod-security.kubernetes.io/* annotations as a real cluster's would.
 */
const ADMISSION_CONFIGURATION = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: privileged
        enforce-version: latest
        audit: restricted
        audit-version: latest
        warn: restricted
        warn-version: latest
      exemptions: {}
`;

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: ["/readyz*", "/livez*", "/healthz*"]
  - level: Metadata
`;

function auditWebhookConfig(webhook: NonNullable<ClusterOptions['auditWebhook']>): string {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'palisade-audit', cluster: { server: webhook.url, 'certificate-authority-data': base64(webhook.ca) } }],
    users: [{ name: 'kube-apiserver', user: { 'client-certificate-data': base64(webhook.cert), 'client-key-data': base64(webhook.key) } }],
    contexts: [{ name: 'default', context: { cluster: 'palisade-audit', user: 'kube-apiserver' } }],
    'current-context': 'default',
  });
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  if (!clusterAvailable()) throw new Error(`the test control plane is not built: run scripts/provision.sh (needs ${CLUSTER_BINARIES.etcd} and ${CLUSTER_BINARIES.apiserver})`);
  if (options.controllerManager && !existsSync(CLUSTER_BINARIES.controllerManager)) throw new Error(`kube-controller-manager is not built: run scripts/provision.sh (needs ${CLUSTER_BINARIES.controllerManager})`);
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-cluster-'));
  const file = (name: string, text: string) => {
    const full = path.join(dir, name);
    writeFileSync(full, text, { mode: 0o600 });
    return full;
  };
  const authority = await certificateAuthority();
  const serving = await authority.issue('CN=kube-apiserver', 'server', [
    { type: 'ip', value: '127.0.0.1' },
    { type: 'dns', value: 'localhost' },
  ]);
  const admin = await authority.issue('CN=palisade-admin, O=system:masters', 'client');
  const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const tokens: Record<string, string> = {};
  const tokenLines = ['alice', 'bob', 'carol'].map((user, index) => {
    tokens[user] = `token-${user}-${webcrypto.randomUUID()}`;
    return `${tokens[user]},${user},${1000 + index},"team-${user}"`;
  });
  const ca = file('ca.crt', authority.pem);
  const auditLog = path.join(dir, 'audit.log');
  const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
  const log: string[] = [];

  mkdirSync(path.join(dir, 'etcd'), { mode: 0o700 });
  const etcdArgs = [
    '--name=palisade-test',
    `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=palisade-test=http://127.0.0.1:${etcdPeer}`,
    '--log-level=warn',
    '--unsafe-no-fsync',
  ];
  const etcd = spawn(CLUSTER_BINARIES.etcd, etcdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  started(etcd, 'etcd', log);
  const apiserverArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${securePort}`,
    `--cert-dir=${path.join(dir, 'certs')}`,
    `--tls-cert-file=${file('serving.crt', serving.cert)}`,
    `--tls-private-key-file=${file('serving.key', serving.key)}`,
    `--client-ca-file=${ca}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${file('sa.pub', serviceAccount.publicKey)}`,
    `--service-account-signing-key-file=${file('sa.key', serviceAccount.privateKey)}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=Node,RBAC',
    `--token-auth-file=${file('tokens.csv', `${tokenLines.join('\n')}\n`)}`,
    `--audit-policy-file=${file('audit-policy.yaml', options.auditPolicy ?? AUDIT_POLICY)}`,
    `--audit-log-path=${auditLog}`,
    '--audit-log-format=json',
    '--audit-log-mode=blocking',
    `--admission-control-config-file=${file('admission.yaml', ADMISSION_CONFIGURATION)}`,
    `--anonymous-auth=${options.anonymousAuth === true}`,
    ...(options.auditWebhook ? [`--audit-webhook-config-file=${file('audit-webhook.kubeconfig', auditWebhookConfig(options.auditWebhook))}`, '--audit-webhook-mode=blocking', '--audit-webhook-initial-backoff=1s'] : []),
    '--profiling=false',
    '--enable-priority-and-fairness=false',
    '--allow-privileged=true',
    '--v=1',
    ...(options.featureGates ? [`--feature-gates=${Object.entries(options.featureGates).map(([gate, on]) => `${gate}=${on}`).join(',')}`] : []),
  ];
  const apiserver = spawn(CLUSTER_BINARIES.apiserver, apiserverArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  started(apiserver, 'kube-apiserver', log);
  const url = `https://127.0.0.1:${securePort}`;
  const children: ChildProcess[] = [apiserver, etcd];

  const call = (method: string, pathname: string, body?: unknown, as?: As) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = {};
      if (payload) headers['content-type'] = 'application/json';
      if (as?.token) headers.authorization = `Bearer ${as.token}`;
      if (as?.impersonate) headers['impersonate-user'] = as.impersonate;
      const req = request(
        `${url}${pathname}`,
        {
          method,
          ca: authority.pem,
          headers,
          // Without a token, requests authenticate as the system:masters admin.
          ...(as?.token || as?.anonymous ? {} : { cert: admin.cert, key: admin.key }),
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      if (payload) req.write(payload);
      req.end();
    });

  const stop = async () => {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (apiserver.exitCode !== null || etcd.exitCode !== null) {
      await stop();
      throw new Error(`the control plane exited while starting:\n${log.join('').slice(-4000)}`);
    }
    try {
      const ready = await call('GET', '/readyz');
      if (ready.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kube-apiserver was not ready within 120 s:\n${log.join('').slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const kubeconfig = file(
    'kubeconfig',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'palisade-test', cluster: { server: url, 'certificate-authority-data': Buffer.from(authority.pem).toString('base64') } }],
      users: [
        { name: 'admin', user: { 'client-certificate-data': Buffer.from(admin.cert).toString('base64'), 'client-key-data': Buffer.from(admin.key).toString('base64') } },
        ...Object.entries(tokens).map(([name, token]) => ({ name, user: { token } })),
      ],
      contexts: [
        { name: 'admin', context: { cluster: 'palisade-test', user: 'admin' } },
        ...Object.keys(tokens).map((name) => ({ name, context: { cluster: 'palisade-test', user: name } })),
      ],
      'current-context': 'admin',
    }),
  );

  if (options.controllerManager) {
    const controllerManager = spawn(
      CLUSTER_BINARIES.controllerManager,
      [
        `--kubeconfig=${kubeconfig}`,
        '--controllers=clusterrole-aggregation,serviceaccount,serviceaccount-token',
        `--service-account-private-key-file=${path.join(dir, 'sa.key')}`,
        `--root-ca-file=${ca}`,
        '--leader-elect=false',
        '--secure-port=0',
        '--use-service-account-credentials=false',
        '--v=1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started(controllerManager, 'kube-controller-manager', log);
    children.unshift(controllerManager);
  }

  return {
    url,
    dir,
    kubeconfig,
    auditLog,
    ca: authority.pem,
    admin,
    tokens,
    commands: { apiserver: ['kube-apiserver', ...apiserverArgs], etcd: ['etcd', ...etcdArgs] },
    get: (pathname, as) => call('GET', pathname, undefined, as),
    post: (pathname, body, as) => call('POST', pathname, body, as),
    request: call,
    stop,
  };
}
