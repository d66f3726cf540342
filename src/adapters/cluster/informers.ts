/**
 * A live inventory: list and watch every kind the planned checks need (`kindsToRead`), through
 * the same connection code as `scan --cluster`, feeding an incremental inventory (upsert on
 * ADDED and MODIFIED, delete on DELETED). Secrets are read as metadata only, never a value.
 * A watch that ends is resumed from the last resourceVersion (bookmarks keep it fresh); a
 * 410 Gone relists and drops what disappeared meanwhile (told as changes: none is lost). A
 * failure is retried with exponential backoff (retryMs doubling up to maxRetryMs).
 */
import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { createIncrementalInventory, type IncrementalInventory } from '../../core/inventory/inventory.js';
import type { KindInfo } from '../../core/kinds/catalog.js';
import { isClusterScoped } from '../../core/kinds/scope.js';
import { refOf, type KubeObject, type Resource } from '../../core/model/resource.js';
import type { Source } from '../../core/model/source.js';
import { asArray, asRecord, asString } from '../../core/model/values.js';
import { connect, METADATA_ONLY, statusMessage, tidy, type ClusterOptions, type Connection } from './read.js';

export interface KindState {
  kind: string;
  synced: boolean;
  objects: number;
  /** When the watch last heard from the API server (an event or a bookmark), ms since the epoch. */
  lastHeard: number;
  /** The last list or watch failure, when the kind is not current. */
  error?: string;
}

export interface LiveInventory {
  inventory: IncrementalInventory;
  connection: Connection;
  /** Every kind listed once (watches started). */
  isSynced(): boolean;
  /** Resolves once synced; rejects if the stop signal comes first. */
  synced: Promise<void>;
  kinds(): readonly KindState[];
  stop(): void;
}

/** One object changed in the inventory (already applied when told). */
export interface InventoryChange {
  type: 'added' | 'modified' | 'deleted';
  resource: Resource;
  /** What a modified or deleted object was (its content before this change); absent for additions. */
  before?: Resource;
  /** The manager of the object's newest managed-fields entry (kubectl-edit, helm, a controller), read before they are dropped. */
  manager?: string;
}

/** The manager of the newest managedFields entry, when there are any. */
export function lastManager(object: KubeObject): string | undefined {
  let best: { manager: string; time: string } | undefined;
  for (const item of asArray(asRecord(object.metadata)?.managedFields)) {
    const entry = asRecord(item);
    const manager = asString(entry?.manager);
    const time = asString(entry?.time) ?? '';
    if (manager !== undefined && (!best || time >= best.time)) best = { manager, time };
  }
  return best?.manager;
}

export interface WatchOptions extends Pick<ClusterOptions, 'kubeconfig' | 'context'> {
  kinds: readonly KindInfo[];
  /** Told of list and watch failures (they are retried after retryInMs). */
  onError?: (kind: string, message: string, retryInMs: number) => void;
  /** Told when a kind that failed is listed or watched again. */
  onRecovered?: (kind: string) => void;
  /** Told of every object added, replaced or deleted, after the inventory applied it (relists included: only what differs). */
  onChange?: (change: InventoryChange) => void;
  /** First retry delay after a failure (default 1 s), doubled after each failure in a row up to maxRetryMs (default 30 s). */
  retryMs?: number;
  maxRetryMs?: number;
  /** The clock, for lastHeard. */
  now?: () => number;
}

function pathOf(info: KindInfo): string {
  return info.group === '' ? `/api/${info.version}/${info.plural}` : `/apis/${info.group}/${info.version}/${info.plural}`;
}

export async function watchInventory(options: WatchOptions): Promise<LiveInventory> {
  const connection = await connect(options);
  const inventory = createIncrementalInventory();
  const now = options.now ?? Date.now;
  const abort = new AbortController();
  // One signal ends every kind's watch: a listener per kind, dozens of them.
  setMaxListeners(0, abort.signal);
  const states = new Map<string, KindState>(options.kinds.map((info) => [info.kind, { kind: info.kind, synced: false, objects: 0, lastHeard: 0 }]));
  let resolveSynced!: () => void;
  let rejectSynced!: (error: Error) => void;
  const synced = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  synced.catch(() => undefined);
  const checkSynced = () => {
    if ([...states.values()].every((state) => state.synced)) resolveSynced();
  };
  const managers = new WeakMap<KubeObject, string>();
  const tell = (type: InventoryChange['type'], resource: Resource, before?: Resource) => {
    if (!options.onChange) return;
    const manager = managers.get(resource.object);
    options.onChange({ type, resource, ...(before ? { before } : {}), ...(manager !== undefined ? { manager } : {}) });
  };
  const versionOf = (resource: Resource | undefined) => (resource?.origin.source.kind === 'cluster' ? resource.origin.source.resourceVersion : undefined);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

  const resourceOf = (info: KindInfo, item: KubeObject): Resource => {
    const manager = lastManager(item);
    if (manager !== undefined) managers.set(item, manager);
    const object = tidy(item, info.kind === 'Secret');
    object.apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
    object.kind = info.kind;
    const metadata = asRecord(object.metadata);
    const uid = asString(metadata?.uid);
    const resourceVersion = asString(metadata?.resourceVersion);
    const source: Source = { kind: 'cluster', context: connection.context, ...(uid ? { uid } : {}), ...(resourceVersion ? { resourceVersion } : {}) };
    return { ref: refOf(object, isClusterScoped), object, origin: { source, document: 0 } };
  };

  const run = async (info: KindInfo) => {
    const state = states.get(info.kind)!;
    const accept = info.list === 'metadata' ? METADATA_ONLY : 'application/json';
    const base = pathOf(info);
    let resourceVersion: string | undefined;
    let failures = 0;
    const recovered = () => {
      if (failures === 0) return;
      failures = 0;
      delete state.error;
      options.onRecovered?.(info.kind);
    };
    while (!abort.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          // List (paged), replace what this kind held, then watch from the list's version.
          const seen = new Set<string>();
          let token: string | undefined;
          let listVersion = '';
          do {
            const response = await connection.get(`${base}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`, accept);
            if (response.status === 404 && info.optional) {
              state.synced = true;
              checkSynced();
              return;
            }
            if (response.status !== 200) throw new Error(`listing ${info.plural} failed with HTTP ${response.status}: ${statusMessage(response.body)}`);
            const list = JSON.parse(response.body) as { items?: unknown[]; metadata?: { continue?: string; resourceVersion?: string } };
            for (const item of asArray(list.items)) {
              const object = asRecord(item);
              if (!object) continue;
              const resource = resourceOf(info, object as KubeObject);
              seen.add(`${resource.ref.namespace ?? ''}/${resource.ref.name}`);
              const previous = inventory.find(resource.ref.kind, resource.ref.namespace, resource.ref.name);
              // A relist replaces only what changed meanwhile, and tells it.
              if (previous && versionOf(previous) !== undefined && versionOf(previous) === versionOf(resource)) continue;
              const before = inventory.upsert(resource);
              tell(before ? 'modified' : 'added', resource, before);
            }
            token = list.metadata?.continue || undefined;
            listVersion = list.metadata?.resourceVersion ?? listVersion;
          } while (token);
          for (const resource of [...inventory.ofKind(info.kind)]) {
            if (seen.has(`${resource.ref.namespace ?? ''}/${resource.ref.name}`)) continue;
            inventory.delete(resource.ref);
            tell('deleted', resource, resource);
          }
          resourceVersion = listVersion;
          state.objects = inventory.ofKind(info.kind).length;
          state.lastHeard = now();
          recovered();
          delete state.error;
          if (!state.synced) {
            state.synced = true;
            checkSynced();
          }
        }
        const response = await connection.stream(`${base}?watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=${encodeURIComponent(resourceVersion)}`, accept, abort.signal);
        if (response.statusCode !== 200) {
          response.resume();
          if (response.statusCode === 410) resourceVersion = undefined;
          throw new Error(`watching ${info.plural} failed with HTTP ${response.statusCode}`);
        }
        recovered();
        const lines = createInterface({ input: response, crlfDelay: Infinity });
        for await (const line of lines) {
          if (line.trim() === '') continue;
          const event = JSON.parse(line) as { type?: string; object?: Record<string, unknown> };
          state.lastHeard = now();
          const object = asRecord(event.object);
          if (!object) continue;
          if (event.type === 'ERROR') {
            // 410 Gone: the version is too old, list again.
            if (object.code === 410) resourceVersion = undefined;
            throw new Error(`watch of ${info.plural}: ${asString(object.message) ?? 'error event'}`);
          }
          const version = asString(asRecord(object.metadata)?.resourceVersion);
          if (version) resourceVersion = version;
          if (event.type === 'BOOKMARK') continue;
          const resource = resourceOf(info, object as KubeObject);
          if (event.type === 'DELETED') {
            const held = inventory.delete(resource.ref);
            if (held) tell('deleted', resource, held);
          } else {
            const before = inventory.upsert(resource);
            tell(before ? 'modified' : 'added', resource, before);
          }
          state.objects = inventory.ofKind(info.kind).length;
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        state.error = (error as Error).message;
        const delay = Math.min((options.retryMs ?? 1000) * 2 ** failures, options.maxRetryMs ?? 30_000);
        failures++;
        options.onError?.(info.kind, state.error, delay);
        await sleep(delay);
      }
    }
  };
  for (const info of options.kinds) void run(info);
  if (options.kinds.length === 0) resolveSynced();
  return {
    inventory,
    connection,
    synced,
    isSynced: () => [...states.values()].every((state) => state.synced),
    kinds: () => [...states.values()],
    stop: () => {
      abort.abort();
      rejectSynced(new Error('stopped'));
    },
  };
}
