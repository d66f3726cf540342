import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ALL_CHECKS } from '../../core/checks/index.js';
import { kindsToRead } from '../../core/inventory/reads.js';
import { isClusterScoped } from '../../core/kinds/scope.js';
import type { InputError, SkippedDocument } from '../../core/model/finding.js';
import { refOf, type KubeObject, type Resource } from '../../core/model/resource.js';
import { sourceLabel, type Source } from '../../core/model/source.js';
import { asArray, asRecord, asString } from '../../core/model/values.js';
import { readKubeletConfigs } from './kubelets.js';
import { configzRef } from '../../core/kinds/kubelet.js';
import { LAST_APPLIED_ANNOTATION, secretLastAppliedKeys } from '../../core/kinds/last-applied.js';

/**
 * What `palisade scan --cluster` lists: every kind a check applies to or reads, derived from
 * the checks' declarations (a kind a check needs cannot be forgotten here).
 */
export const CLUSTER_KINDS: ReadonlyArray<{ kind: string; group: string; version: string; plural: string; namespaced: boolean; metadataOnly?: boolean; optional?: boolean }> = kindsToRead(ALL_CHECKS).map((info) => ({
  kind: info.kind,
  group: info.group,
  version: info.version,
  plural: info.plural,
  namespaced: info.namespaced,
  ...(info.list === 'metadata' ? { metadataOnly: true } : {}),
  ...(info.optional ? { optional: true } : {}),
}));

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  /** only these namespaces (namespaced kinds); all when empty */
  namespaces?: string[];
  excludeNamespaces?: string[];
  pageSize?: number;
  /** read each node's kubelet /configz through nodes/proxy when allowed (default true) */
  kubelets?: boolean;
  progress?: (text: string) => void;
}

export interface ClusterRead {
  context: string;
  server: string;
  resources: Resource[];
  /** forbidden or failed lists: gaps in the report, never silent passes */
  errors: InputError[];
  /** what was deliberately not read (kubelet configuration without nodes/proxy), with why */
  skipped: SkippedDocument[];
}

export interface Connection {
  context: string;
  server: string;
  get(path: string, accept?: string): Promise<{ status: number; body: string }>;
  post(path: string, body: unknown): Promise<{ status: number; body: string }>;
  /** A replacement (PUT) of the object at the path, optimistic by its metadata.resourceVersion. */
  put(path: string, body: unknown): Promise<{ status: number; body: string }>;
  /** A streamed GET (a watch): the response as it arrives, ended by the signal. */
  stream(path: string, accept: string, signal: AbortSignal): Promise<IncomingMessage>;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The cluster cannot be read at all: one message saying which context, which server, what failed. */
export class ClusterUnavailable extends Error {}

const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
};

/** Why a request failed, in words first: `connection refused (connect ECONNREFUSED 127.0.0.1:1)`. */
export function describeFailure(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const words = code ? NETWORK_FAILURES[code] ?? (/CERT|SSL|TLS|SELF_SIGNED|SIGNATURE/.test(code) ? 'TLS verification failed' : undefined) : undefined;
  return words ? `${words} (${message ?? code})` : String(message ?? error);
}

/** Connects with the kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config) or in-cluster config, as kubectl does. */
export async function connect(options: ClusterOptions): Promise<Connection> {
  const config = new KubeConfig();
  if (options.kubeconfig) {
    try {
      config.loadFromFile(options.kubeconfig);
    } catch (error) {
      throw new ClusterUnavailable(`cannot read the kubeconfig ${options.kubeconfig}: ${(error as Error).message}`);
    }
  } else {
    // Without any configuration the client would quietly try http://localhost:8080 (as kubectl
    // does); saying that nothing is configured is clearer.
    const kubeconfigs = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
    const home = path.join(homedir(), '.kube', 'config');
    if (kubeconfigs.length === 0 && !existsSync(home) && !existsSync(SERVICE_ACCOUNT_TOKEN)) {
      throw new ClusterUnavailable(`no cluster configured: KUBECONFIG is not set, ${home} does not exist and this is not a pod with a service account token (give --kubeconfig FILE, or set KUBECONFIG)`);
    }
    try {
      config.loadFromDefault();
    } catch (error) {
      throw new ClusterUnavailable(`cannot read the kubeconfig ${kubeconfigs[0] ?? home}: ${(error as Error).message}`);
    }
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) throw new ClusterUnavailable(`context "${options.context}" is not in the kubeconfig`);
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new ClusterUnavailable(`the kubeconfig has no current cluster${config.getCurrentContext() ? ` (context "${config.getCurrentContext()}")` : ''}: use --context or --kubeconfig`);
  const server = cluster.server.replace(/\/$/, '');
  const base = new URL(server);
  const send = async (method: string, path: string, accept: string, body?: string): Promise<{ status: number; body: string }> => {
    const options: import('node:https').RequestOptions = { method, headers: { accept, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) } };
    await config.applyToHTTPSOptions(options);
    const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
    return new Promise((resolve, reject) => {
      const open = url.protocol === 'http:' ? httpRequest : request;
      const req = open(url, { ...options, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`timed out after 60 s: ${method} ${path}`)));
      req.end(body);
    });
  };
  const stream = async (path: string, accept: string, signal: AbortSignal): Promise<IncomingMessage> => {
    const options: import('node:https').RequestOptions = { method: 'GET', headers: { accept } };
    await config.applyToHTTPSOptions(options);
    const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
    return new Promise((resolve, reject) => {
      const open = url.protocol === 'http:' ? httpRequest : request;
      const req = open(url, { ...options, signal }, resolve);
      req.on('error', reject);
      req.end();
    });
  };
  return {
    context: config.getCurrentContext(),
    server,
    stream,
    get: (path, accept = 'application/json') => send('GET', path, accept),
    post: (path, body) => send('POST', path, 'application/json', JSON.stringify(body)),
    put: (path, body) => send('PUT', path, 'application/json', JSON.stringify(body)),
  };
}

/** The message of a failed call: the Status object's, else the start of the body (a proxied kubelet's own text). */
export function statusMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  } catch {
    // not a Status object
  }
  return body.slice(0, 300);
}

export const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
/**
 * Drops what no check reads and what could carry secret values. A Secret's
 * last-applied-configuration annotation (which `kubectl apply` fills with its data) is
 * replaced by the names of the keys it held a value for, values dropped
 * (secretLastAppliedKeys): secret-data-in-last-applied reports them by name.
 */
export function tidy(object: KubeObject, secret: boolean): KubeObject {
  const metadata = asRecord(object.metadata);
  if (metadata) {
    delete metadata.managedFields;
    if (secret) {
      const annotations = asRecord(metadata.annotations);
      if (annotations && LAST_APPLIED_ANNOTATION in annotations) {
        const keys = secretLastAppliedKeys(object);
        delete annotations[LAST_APPLIED_ANNOTATION];
        if (keys !== undefined) annotations[LAST_APPLIED_ANNOTATION] = keys;
      }
      delete (object as Record<string, unknown>).data;
      delete (object as Record<string, unknown>).stringData;
    }
  }
  return object;
}

export async function listAll(connection: Connection, path: string, accept: string | undefined, pageSize: number): Promise<{ items: KubeObject[] } | { status: number; message: string }> {
  const items: KubeObject[] = [];
  let token: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const response = await connection.get(`${path}${separator}limit=${pageSize}${token ? `&continue=${encodeURIComponent(token)}` : ''}`, accept);
    if (response.status !== 200) {
      return { status: response.status, message: statusMessage(response.body) };
    }
    const list = JSON.parse(response.body) as { items?: unknown[]; metadata?: { continue?: string } };
    for (const item of asArray(list.items)) {
      const object = asRecord(item);
      if (object) items.push(object as KubeObject);
    }
    token = list.metadata?.continue || undefined;
  } while (token);
  return { items };
}

/**
 * Connects and asks for /version: when the API server cannot be reached or refuses the
 * credentials, ClusterUnavailable says so once, naming the context and the server (`where`).
 */
export async function reachCluster(options: Pick<ClusterOptions, 'kubeconfig' | 'context' | 'progress'>): Promise<{ connection: Awaited<ReturnType<typeof connect>>; where: string; version: { status: number; body: string } }> {
  const connection = await connect(options);
  const where = `the cluster of context "${connection.context}" at ${connection.server}`;
  let version: { status: number; body: string };
  try {
    options.progress?.(`connecting to ${where}`);
    version = await connection.get('/version');
  } catch (error) {
    throw new ClusterUnavailable(`cannot reach ${where}: ${describeFailure(error)}`);
  }
  if (version.status === 401) throw new ClusterUnavailable(`${where} refused the credentials (HTTP 401): ${statusMessage(version.body)}`);
  return { connection, where, version };
}

/**
 * Lists every kind the checks need, page by page; Secrets as metadata only. The API server is
 * asked for /version first: when it cannot be reached or refuses the credentials, nothing
 * else is tried and ClusterUnavailable says so once.
 */
export async function readCluster(options: ClusterOptions): Promise<ClusterRead> {
  const { connection, where, version } = await reachCluster(options);
  const cluster: Source = { kind: 'cluster', context: connection.context };
  const file = sourceLabel(cluster);
  const resources: Resource[] = [];
  const errors: InputError[] = [];
  const pageSize = options.pageSize ?? 500;
  const wanted = options.namespaces && options.namespaces.length > 0 ? options.namespaces : [undefined];
  const excluded = new Set(options.excludeNamespaces ?? []);
  for (const kind of CLUSTER_KINDS) {
    const prefix = kind.group === '' ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
    for (const namespace of kind.namespaced ? wanted : [undefined]) {
      const path = namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}` : `${prefix}/${kind.plural}`;
      options.progress?.(`listing ${kind.plural}${namespace ? ` in ${namespace}` : ''}`);
      let listed;
      try {
        listed = await listAll(connection, path, kind.metadataOnly ? METADATA_ONLY : undefined, pageSize);
      } catch (error) {
        // The server answered /version but no longer answers: one error, not one per kind.
        errors.push({ code: 'cluster-error', message: `${where} stopped answering while listing ${kind.plural}: ${describeFailure(error)}; nothing after it was read`, file, source: cluster, field: path });
        // No kind: every kind from here on is unread, so the gap is of unknown kind.
        return { context: connection.context, server: connection.server, resources, errors, skipped: [] };
      }
      // A kind an add-on serves (a CRD) is simply absent where the add-on is not installed.
      if ('status' in listed && listed.status === 404 && kind.optional) break;
      if ('status' in listed) {
        errors.push({
          code: listed.status === 403 ? 'forbidden' : 'cluster-error',
          message: listed.status === 403 ? `not allowed to list ${kind.plural}${namespace ? ` in ${namespace}` : ''}: its checks did not run (${listed.message})` : `listing ${kind.plural} failed with HTTP ${listed.status}: ${listed.message}`,
          file,
          source: cluster,
          field: path,
          kind: kind.kind,
        });
        continue;
      }
      let serviceAccountTokens = new Set<string>();
      if (kind.kind === 'Secret') {
        // Metadata carries no type: ask for the token Secrets by field selector, still as metadata.
        const tokens = await listAll(connection, `${path}?fieldSelector=${encodeURIComponent('type=kubernetes.io/service-account-token')}`, METADATA_ONLY, pageSize);
        if ('items' in tokens) serviceAccountTokens = new Set(tokens.items.map((item) => String(asRecord(item.metadata)?.uid ?? '')));
      }
      for (const item of listed.items) {
        const object = tidy(item, kind.kind === 'Secret');
        object.apiVersion = kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
        object.kind = kind.kind;
        if (kind.kind === 'Secret' && serviceAccountTokens.has(String(asRecord(object.metadata)?.uid ?? ''))) (object as Record<string, unknown>).type = 'kubernetes.io/service-account-token';
        const ref = refOf(object, isClusterScoped);
        if (ref.namespace !== undefined && excluded.has(ref.namespace)) continue;
        if (kind.kind === 'Namespace' && excluded.has(ref.name)) continue;
        const metadata = asRecord(object.metadata);
        const uid = asString(metadata?.uid);
        const resourceVersion = asString(metadata?.resourceVersion);
        const source: Source = { kind: 'cluster', context: connection.context, ...(uid !== undefined ? { uid } : {}), ...(resourceVersion !== undefined ? { resourceVersion } : {}) };
        resources.push({ ref, object, origin: { source, document: resources.length } });
      }
    }
  }
  // The API server's version, as an object the version checks read (kind ClusterVersion).
  try {
    if (version.status === 200) {
      const info = JSON.parse(version.body) as Record<string, unknown>;
      const object: KubeObject = { apiVersion: 'palisade.dev/v1alpha1', kind: 'ClusterVersion', metadata: { name: 'kube-apiserver' }, ...info };
      resources.push({ ref: refOf(object, isClusterScoped), object, origin: { source: cluster, document: resources.length } });
    } else {
      errors.push({ code: version.status === 403 ? 'forbidden' : 'cluster-error', message: `reading /version failed with HTTP ${version.status}: version checks did not run`, file, source: cluster, field: '/version', kind: 'ClusterVersion' });
    }
  } catch (error) {
    errors.push({ code: 'cluster-error', message: `reading /version failed: ${(error as Error).message}`, file, source: cluster, field: '/version', kind: 'ClusterVersion' });
  }
  let skipped: SkippedDocument[] = [];
  if (options.kubelets !== false) {
    try {
      const kubelets = await readKubeletConfigs(connection, connection.context, options.progress);
      for (const resource of kubelets.resources) resources.push({ ...resource, origin: { ...resource.origin, document: resources.length } });
      skipped = kubelets.skipped;
    } catch (error) {
      errors.push({ code: 'cluster-error', message: `reading kubelet configurations failed: ${(error as Error).message}`, file, source: cluster, field: '/api/v1/nodes', kind: configzRef().kind });
    }
  }
  return { context: connection.context, server: connection.server, resources, errors, skipped };
}
