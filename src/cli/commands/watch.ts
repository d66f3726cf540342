import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { readBaseline } from './scan.js';
import { Registry } from 'prom-client';
import { alertsOf, inventoryOwners, proseOf, recordChanges, recordRun } from '../../app/alerts.js';
import { planScan } from '../../app/scan.js';
import { createWatcher } from '../../app/watch.js';
import { parseDuration, type AlertSettings } from '../../core/alerts/config.js';
import { ownerKeysFrom, resolveOwner } from '../../core/alerts/owner.js';
import type { AlertChange } from '../../core/alerts/state.js';
import { kindsToRead } from '../../core/inventory/reads.js';
import { kindInfo } from '../../core/kinds/catalog.js';
import type { ObjectRef } from '../../core/model/resource.js';
import type { FindingCause, FindingEvent } from '../../core/ports/findings.js';
import { parseBindAddress, startProbeServer, type ProbeServer } from '../../adapters/http/probes.js';
import { defaultFindingStorePath } from '../../adapters/store/paths.js';
import { watchMetrics } from '../../adapters/watch/metrics.js';
import { configuring, loadConfigFile } from '../config.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const WATCH_HELP = `Usage: palisade watch [flags]

Watches a live cluster and prints how its findings change, as they change: the checks of
'palisade scan --cluster', kept current by watching every kind they read (Secrets as metadata
only). Each change re-evaluates the changed object and the objects whose findings depend on it
(a NetworkPolicy: the pods it may select and the namespace's default-deny check; a binding: its
subjects). One line per event:

  opened      a finding appeared (reopened: it had been resolved before)
  still-open  at start, a finding the store already held (its first-seen time kept)
  resolved    a finding went away (at start: it went away while nobody watched)

with the change that caused it (the object, and the field manager that last wrote it, when the
API server says). Findings and their history are kept in a store (--store: SQLite, or PostgreSQL), so a restart
continues where the last run stopped. Runs in the foreground until SIGINT or SIGTERM; the initial
sync and lost connections (retried with backoff) are told on stderr.

Flags:
      --context NAME         kubeconfig context
      --kubeconfig FILE      kubeconfig file (default KUBECONFIG, ~/.kube/config, in-cluster)
  -n, --namespace NS         report findings of this namespace only (every kind is still read)
  -A, --all-namespaces       every namespace (the default)
  -o, --output FORMAT        table (default) or json (one JSON object per line)
      --store FILE|URL       the finding store: a SQLite file or a postgres:// URL (default
                             $PALISADE_FINDING_STORE or ~/.cache/palisade/findings.db)
      --config FILE          configuration (default .palisade.yaml when present)
      --no-inline-exceptions ignore ignore-check.palisade.dev/* annotations
      --baseline FILE        a scan baseline (palisade scan --cluster --write-baseline FILE): each
                             opened or still-open finding not in it is marked "new since baseline"
                             (JSON: newSinceBaseline); without it the first sync is the baseline
                             (what opens after it is new)
      --alert                send opened and resolved findings as alerts to their owners (the
                             alerts: section of the configuration), as palisade scan --alert does
      --alert-store FILE|URL outbox and dedup state: a SQLite file or a postgres:// URL (default
                             $PALISADE_ALERT_STORE or ~/.cache/palisade/alerts.db)
      --leader-elect         replicas elect a leader through a coordination.k8s.io Lease: every
                             replica watches, only the leader records history and sends alerts
      --leader-elect-lease-duration DURATION
                             how long a Lease lasts unrenewed before another replica takes over
                             (default 15s)
      --leader-elect-renew-deadline DURATION
                             a leader that could not renew for this long stops leading (default 10s)
      --leader-elect-retry-period DURATION
                             how often to try to acquire or renew the Lease (default 2s)
      --leader-elect-resource-name NAME
                             the Lease (default palisade-watch)
      --leader-elect-resource-namespace NS
                             its namespace (default $POD_NAMESPACE, the pod's namespace, or default)
      --metrics-bind-address HOST:PORT
                             serve /metrics (Prometheus: open findings by severity, namespace and
                             team; evaluation time; watch lag; alerts sent and failed), /healthz
                             and /readyz (ready once synced) over HTTP; :PORT for every interface,
                             0 for none (the default)

Exit codes: 0 stopped by SIGINT or SIGTERM, 2 usage error or the cluster cannot be reached.

Examples:
  palisade watch                                  the current context, every namespace, as a table
  palisade watch --context prod -n shop           one namespace of another context
  palisade watch -o json | jq 'select(.event == "opened")'
                                                  one JSON object per event
  palisade scan --cluster --write-baseline accepted.json && palisade watch --baseline accepted.json
                                                  mark what is new since the accepted findings
  palisade watch --store /var/lib/palisade/findings.db --alert
                                                  keep history in a chosen file and alert owners
  palisade watch --metrics-bind-address 127.0.0.1:8080
                                                  also serve Prometheus metrics and probes
`;

const refText = (ref: { kind: string; namespace?: string; name: string }) => `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${ref.name}`;

function causeText(cause: FindingCause | undefined): string {
  if (!cause) return '';
  return ` (${cause.type} ${refText(cause)}${cause.manager !== undefined ? ` by ${cause.manager}` : ''})`;
}

/**
 * Posture drift: whether an event's finding is new since a scan baseline. The baseline's ids
 * are sha256 of the finding key; a cluster finding's key has no artifact, so the watcher's key
 * string hashes to the id \`scan --cluster --write-baseline\` recorded for the same finding.
 * Undefined without a baseline, and for resolved events.
 */
export type BaselineMark = (event: FindingEvent) => boolean | undefined;

export function baselineMark(known: ReadonlySet<string> | undefined): BaselineMark {
  return (event) => (known === undefined || event.event === 'resolved' ? undefined : !known.has(createHash('sha256').update(event.key).digest('hex')));
}

/** One event as a JSON object: what the finding is, when, and what caused it. */
export function eventJson(event: FindingEvent, newSinceBaseline?: boolean): Record<string, unknown> {
  const { finding } = event;
  return {
    event: event.event,
    at: event.at,
    firstSeen: event.firstSeen,
    key: event.key,
    checkId: finding.checkId,
    severity: finding.severity,
    object: finding.object,
    ...(finding.container !== undefined ? { container: finding.container } : {}),
    path: finding.location.path,
    message: finding.message,
    ...(event.cause ? { cause: event.cause } : {}),
    ...(newSinceBaseline !== undefined ? { newSinceBaseline } : {}),
  };
}

export function eventLine(event: FindingEvent, newSinceBaseline?: boolean): string {
  const { finding } = event;
  return `${event.at}  ${event.event.padEnd(10)}  ${finding.severity.padEnd(8)}  ${finding.checkId}  ${refText(finding.object)}${finding.container !== undefined ? ` [${finding.container}]` : ''}: ${finding.message}${causeText(event.cause)}${newSinceBaseline ? '  [new since baseline]' : ''}`;
}

export async function watchCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      output: { type: 'string', short: 'o' },
      store: { type: 'string' },
      config: { type: 'string' },
      'no-inline-exceptions': { type: 'boolean' },
      alert: { type: 'boolean' },
      'alert-store': { type: 'string' },
      baseline: { type: 'string' },
      'leader-elect': { type: 'boolean' },
      'leader-elect-lease-duration': { type: 'string' },
      'leader-elect-renew-deadline': { type: 'string' },
      'leader-elect-retry-period': { type: 'string' },
      'leader-elect-resource-name': { type: 'string' },
      'leader-elect-resource-namespace': { type: 'string' },
      'metrics-bind-address': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(WATCH_HELP);
    return 0;
  }
  const format = values.output ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`-o/--output must be table or json, not "${format}"`);
  if (values.namespace !== undefined && values['all-namespaces']) throw new UsageError('-n/--namespace and -A/--all-namespaces contradict each other: give one');
  if (values.namespace === '') throw new UsageError('-n/--namespace needs a namespace name');
  if (!values.alert && values['alert-store'] !== undefined) throw new UsageError('--alert-store applies with --alert');
  const election = electionOptions(values);
  let metricsAddress: { host: string; port: number } | undefined;
  try {
    metricsAddress = values['metrics-bind-address'] === undefined ? undefined : parseBindAddress(values['metrics-bind-address']);
  } catch (error) {
    throw new UsageError(`--metrics-bind-address: ${(error as Error).message}`);
  }

  // Read before connecting: a missing or broken baseline is a usage error, not a late failure.
  const baseline = values.baseline === undefined ? undefined : await readBaseline(values.baseline);
  const mark = baselineMark(baseline ? new Set(baseline.findings.map((entry) => entry.id)) : undefined);
  const { config, source, plan } = await configuring(async () => {
    const file = await loadConfigFile(values.config);
    return { ...file, plan: planScan({ config: file.config, now: io.now(), ...(values['no-inline-exceptions'] ? { inlineExceptions: false } : {}) }, file.source) };
  });
  let alertSettings: AlertSettings | undefined;
  if (values.alert) {
    const { alertSettingsOf } = await import('../alerts.js');
    alertSettings = alertSettingsOf(config, source ?? values.config);
  }
  const storeFile = values.store ?? defaultFindingStorePath();
  // A postgres:// URL selects PostgreSQL, anything else is a SQLite file (adapters/store/open.ts).
  const { openFindingStore } = await import('../../adapters/store/open.js');
  let store;
  try {
    store = await openFindingStore(storeFile);
  } catch (error) {
    throw new UsageError(`--store ${(error as Error).message}`);
  }

  const { watchInventory } = await import('../../adapters/cluster/informers.js');
  const { ClusterUnavailable } = await import('../../adapters/cluster/read.js');
  const kinds = kindsToRead(plan.checks.map((planned) => planned.check));
  if (!kinds.some((info) => info.kind === 'Namespace')) kinds.push(kindInfo('Namespace')!);

  // Changes are handled one at a time, in order, once the initial sync is done.
  let queue: Promise<void> = Promise.resolve();
  let started = false;
  let stopping = false;
  // Metrics and probes (--metrics-bind-address): bound before the sync, so a liveness probe answers during it.
  const registry = new Registry();
  let watcherRef: ReturnType<typeof createWatcher> | undefined;
  let inventoryRef: Parameters<typeof inventoryOwners>[0] & { resources: readonly unknown[] } | undefined;
  const ownerKeys = alertSettings?.ownerKeys ?? ownerKeysFrom();
  let owners: ReturnType<typeof inventoryOwners> | undefined;
  const defaultTeam = alertSettings?.defaultRoute.team ?? '';
  const metrics = watchMetrics(registry, {
    findings: () => (started && watcherRef ? watcherRef.findings() : null),
    teamOf: (finding) => {
      // The inventory's own lookups: nothing built per finding or per scrape.
      owners ??= inventoryOwners(inventoryRef!);
      const { kind, namespace, name } = finding.object;
      return resolveOwner(owners.object(kind, namespace, name), kind === 'Namespace' || namespace === undefined ? undefined : owners.namespace(namespace), ownerKeys, defaultTeam).team;
    },
    objects: () => inventoryRef?.resources.length ?? 0,
  });
  let probes: ProbeServer | undefined;
  if (metricsAddress) {
    try {
      probes = await startProbeServer(metricsAddress, { registry, ready: () => (started ? true : 'initial sync not done'), closing: () => stopping });
    } catch (error) {
      await store.close();
      throw new UsageError(`--metrics-bind-address ${values['metrics-bind-address']}: ${(error as Error).message}`);
    }
    io.stderr(`palisade watch: /metrics, /healthz and /readyz on http://${probes.address}\n`);
  }
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error: unknown) => io.stderr(`palisade watch: ${(error as Error).message}\n`));
  };
  const write = async (events: readonly FindingEvent[]) => {
    for (const event of events) await io.stdout(format === 'json' ? `${JSON.stringify(eventJson(event, mark(event)))}\n` : `${eventLine(event, mark(event))}\n`);
  };

  const failures = failureReporter(io);
  let live;
  try {
    live = await watchInventory({
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      kinds,
      onError: (kind, message, retryInMs) => failures.failed(kind, message, retryInMs),
      onRecovered: (kind) => failures.recovered(kind),
      onChange: (change) => {
        if (!started) return;
        const { ref } = change.resource;
        const cause: FindingCause = { type: change.type, kind: ref.kind, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), name: ref.name, ...(change.manager !== undefined ? { manager: change.manager } : {}) };
        const arrived = performance.now();
        metrics.received(ref.kind, change.type);
        enqueue(async () => {
          const begun = performance.now();
          try {
            const events = await watcher.changed(cause, io.now(), change.before);
            const evaluated = performance.now();
            await write(events);
            if (alerting) alerting.changes(events);
            metrics.evaluated(ref.kind, (performance.now() - arrived) / 1000, (evaluated - begun) / 1000);
          } catch (error) {
            metrics.evaluated(ref.kind, (performance.now() - arrived) / 1000, (performance.now() - begun) / 1000);
            throw error;
          }
        });
      },
    });
  } catch (error) {
    await probes?.close();
    await store.close();
    if (error instanceof ClusterUnavailable) throw new UsageError(error.message);
    throw error;
  }
  inventoryRef = live.inventory;
  const namespace = values.namespace;
  const scope = `cluster:${live.connection.context}${namespace !== undefined ? `/namespace:${namespace}` : ''}`;
  const accepts = namespace === undefined ? undefined : (ref: ObjectRef) => ref.namespace === namespace || (ref.kind === 'Namespace' && ref.name === namespace);
  // With --leader-elect every replica watches and evaluates (a failover needs no new sync), but
  // only the leader writes history and sends alerts: a follower's history writes are dropped.
  let elector: import('../../app/leader.js').Elector | undefined;
  const leads = () => elector === undefined || elector.leading;
  const history = election ? { ...bind(store), recordEvents: async (...args: Parameters<typeof store.recordEvents>) => (leads() ? store.recordEvents(...args) : undefined) } : store;
  const watcher = createWatcher({ inventory: live.inventory, plan, scope, store: history, ...(accepts ? { accepts } : {}) });
  watcherRef = watcher;
  const alerting = alertSettings ? await startAlerting(alertSettings, values['alert-store'], scope, plan, live.inventory, io, leads, registry) : undefined;
  io.stderr(`palisade watch: ${live.connection.context} (${live.connection.server}): listing ${kinds.length} kinds\n`);
  if (election) {
    const { startElector } = await import('../../app/leader.js');
    const { leaseClient } = await import('../../adapters/cluster/lease.js');
    const lease = `${election.namespace}/${election.name}`;
    io.stderr(`palisade watch: leader election: Lease ${lease} as ${election.identity}\n`);
    elector = startElector({
      ...election,
      client: leaseClient(live.connection, election.namespace, election.name),
      now: () => Date.now(),
      onStartedLeading: () => {
        io.stderr(`palisade watch: leader election: became the leader (Lease ${lease}, ${election.identity}); sending alerts\n`);
        // The findings of now, as a run: what opened while another replica led is told, what it told is not told again.
        if (started && alerting) enqueue(() => alerting.start(watcher.findings()));
      },
      onStoppedLeading: (why) => io.stderr(`palisade watch: leader election: lost the Lease ${lease} (${why}); alerts stopped\n`),
      onError: (message) => io.stderr(`palisade watch: leader election: ${message}\n`),
    });
  }

  // Nothing else may hold the event loop while every watch waits to retry.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  const synced = live.synced.then(
    () => true,
    () => false,
  );
  if (await Promise.race([synced, stopped.then(() => false)])) {
    started = true;
    enqueue(async () => {
      const events = await watcher.start(io.now());
      const open = events.filter((event) => event.event !== 'resolved').length;
      io.stderr(`palisade watch: synced ${live.inventory.resources.length} objects of ${kinds.length} kinds: ${open} findings open (${events.filter((event) => event.event === 'still-open').length} still open from the store); watching\n`);
      await write(events);
      if (alerting && leads()) await alerting.start(watcher.findings());
    });
    await stopped;
  }
  io.stderr('palisade watch: stopping\n');
  stopping = true;
  started = false;
  live.stop();
  await elector?.stop();
  clearInterval(keepAlive);
  failures.flush();
  await queue;
  await alerting?.close();
  await store.close();
  await probes?.close();
  return 0;
}

/**
 * Lost watches, told on stderr without a line per kind: the failures of a moment (a lost
 * connection fails every kind at once) are gathered into one line per cause and delay, and
 * recoveries into one line.
 */
function failureReporter(io: CommandIO) {
  const failed = new Map<string, string[]>();
  const back: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const list = (kinds: string[]) => `${kinds.length} kind${kinds.length === 1 ? '' : 's'} (${kinds.slice(0, 3).join(', ')}${kinds.length > 3 ? ', ...' : ''})`;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const [line, kinds] of failed) io.stderr(`palisade watch: lost the watch of ${list(kinds)}: ${line}\n`);
    if (back.length > 0) io.stderr(`palisade watch: watching again ${list(back)}\n`);
    failed.clear();
    back.length = 0;
  };
  const later = () => {
    timer ??= setTimeout(flush, 200);
  };
  return {
    failed(kind: string, message: string, retryInMs: number) {
      const line = `${message}; retrying in ${retryInMs < 1000 ? (retryInMs / 1000).toFixed(1) : Math.round(retryInMs / 1000)}s`;
      failed.set(line, [...(failed.get(line) ?? []), kind]);
      later();
    },
    recovered(kind: string) {
      back.push(kind);
      later();
    },
    flush,
  };
}

interface WatchAlerting {
  start(findings: Parameters<typeof alertsOf>[0]): Promise<void>;
  changes(events: readonly FindingEvent[]): void;
  close(): Promise<void>;
}

/** Alerts of a watch: the initial findings as a run of the scope, then each change (app/alerts.ts recordChanges); deliveries in the background. */
async function startAlerting(settings: AlertSettings, file: string | undefined, scope: string, plan: Parameters<typeof createWatcher>[0]['plan'], inventory: Parameters<typeof createWatcher>[0]['inventory'], io: CommandIO, leads: () => boolean = () => true, registry?: Registry): Promise<WatchAlerting> {
  const { openAlertStore, deliverPending, describeDelivered, describeRecorded, alertObserver } = await import('../alerts.js');
  const outbox = await openAlertStore(file, settings);
  // One observer for the process: its counters (palisade_alerts_sent_total, _failed_total) are registered once.
  const observer = alertObserver(settings, registry, outbox);
  const owners = inventoryOwners(inventory);
  const prose = proseOf(plan.checks);
  let delivering: Promise<void> = Promise.resolve();
  const deliver = () => {
    delivering = delivering.then(async () => {
      if (!leads()) return;
      const delivered = await deliverPending(outbox, settings, io, 30_000, observer);
      if (delivered.sent + delivered.dead + delivered.retrying > 0) io.stderr(`palisade watch: alerts: ${describeDelivered(delivered)}\n`);
    }).catch((error: unknown) => io.stderr(`palisade watch: alerts: ${(error as Error).message}\n`));
  };
  let recording: Promise<void> = Promise.resolve();
  return {
    async start(findings) {
      const recorded = await recordRun(outbox, settings, scope, alertsOf(findings, owners, prose, settings, io.now()), io.now());
      io.stderr(`palisade watch: alerts (${scope}): ${describeRecorded(recorded)}\n`);
      deliver();
    },
    changes(events) {
      if (!leads()) return;
      const changes: AlertChange[] = [];
      const opened = events.filter((event) => event.event === 'opened' || event.event === 'reopened').map((event) => event.finding);
      for (const alert of alertsOf(opened, owners, prose, settings, io.now())) changes.push({ kind: 'opened', alert });
      for (const event of events) if (event.event === 'resolved') changes.push({ kind: 'resolved', key: event.key });
      if (changes.length === 0) return;
      recording = recording.then(async () => {
        if (!leads()) return;
        await recordChanges(outbox, settings, scope, changes, io.now());
        deliver();
      }).catch((error: unknown) => io.stderr(`palisade watch: alerts: ${(error as Error).message}\n`));
    },
    async close() {
      await recording;
      await delivering;
      await outbox.close();
    },
  };
}

/** Every method of an object bound to it, so a spread copy still works (class instances keep methods on the prototype). */
function bind<T extends object>(object: T): T {
  const out: Record<string, unknown> = {};
  let proto: object | null = object;
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (object as Record<string, unknown>)[key];
      if (key !== 'constructor' && !(key in out)) out[key] = typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out as T;
}

const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** --leader-elect and its flags, named as kube-controller-manager names them; undefined without --leader-elect. */
export function electionOptions(values: Record<string, string | boolean | undefined>) {
  const flags = ['leader-elect-lease-duration', 'leader-elect-renew-deadline', 'leader-elect-retry-period', 'leader-elect-resource-name', 'leader-elect-resource-namespace'];
  if (!values['leader-elect']) {
    const given = flags.find((flag) => values[flag] !== undefined);
    if (given) throw new UsageError(`--${given} applies with --leader-elect`);
    return undefined;
  }
  const duration = (flag: string, fallback: number) => {
    const text = values[flag];
    if (text === undefined) return fallback;
    const ms = typeof text === 'string' ? parseDuration(text) : undefined;
    if (ms === undefined || ms <= 0) throw new UsageError(`--${flag} must be a duration such as 15s or 500ms, not "${String(text)}"`);
    return ms;
  };
  const leaseDurationMs = duration('leader-elect-lease-duration', 15_000);
  const renewDeadlineMs = duration('leader-elect-renew-deadline', 10_000);
  const retryPeriodMs = duration('leader-elect-retry-period', 2_000);
  if (leaseDurationMs < 1000) throw new UsageError('--leader-elect-lease-duration must be at least 1s (a Lease counts whole seconds)');
  if (renewDeadlineMs >= leaseDurationMs) throw new UsageError('--leader-elect-renew-deadline must be shorter than --leader-elect-lease-duration');
  if (retryPeriodMs >= renewDeadlineMs) throw new UsageError('--leader-elect-retry-period must be shorter than --leader-elect-renew-deadline');
  const name = (values['leader-elect-resource-name'] as string | undefined) ?? 'palisade-watch';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) throw new UsageError(`--leader-elect-resource-name must be a Kubernetes object name, not "${name}"`);
  let namespace = values['leader-elect-resource-namespace'] as string | undefined;
  if (namespace === '') throw new UsageError('--leader-elect-resource-namespace needs a namespace name');
  namespace ??= process.env.POD_NAMESPACE || (existsSync(IN_CLUSTER_NAMESPACE) ? readFileSync(IN_CLUSTER_NAMESPACE, 'utf8').trim() : '') || 'default';
  return { name, namespace, identity: `${hostname()}_${randomUUID()}`, leaseDurationMs, renewDeadlineMs, retryPeriodMs };
}
