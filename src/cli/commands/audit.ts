import { parseArgs } from 'node:util';
import { createAuditMonitor, type AuditMonitor, type ContextAlert, type Correlate } from '../../app/audit.js';
import { LineSplitter } from '../../adapters/audit/lines.js';
import { ALL_DETECTIONS } from '../../core/detections/index.js';
import { paint, SEVERITY_STYLE } from '../formatters/colors.js';
import { visible } from '../output/escape.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const AUDIT_OUTPUTS = ['table', 'json'] as const;

export const AUDIT_HELP = `Usage: palisade audit --log FILE [--follow] [flags]
       palisade audit --listen ADDR --tls-cert-file FILE --tls-private-key-file FILE --client-ca-file FILE [flags]

Detections on the API server's audit events: exec into pods, unusual Secret reads,
requests allowed to system:anonymous, bindings to cluster-admin and broad groups,
powerful role changes, token and certificate minting, admission configuration changes,
impersonation, bursts of 403s, privileged pods, node proxy access; and Falco's runtime
alerts. Each alert names the detection, severity, MITRE ATT&CK technique, subject,
object, time and the source event's auditID. Request and response bodies are never
kept or printed (a RequestResponse event of a Secret holds its data).

Flags:
      --log FILE                   a JSON audit log (kube-apiserver --audit-log-path,
                                   --audit-log-format=json); - for stdin
  -F, --follow                     keep reading the log as it grows, across rotations
                                   (rename and truncate), until SIGINT or SIGTERM
      --from-start                 with --follow: read the log from its beginning (default:
                                   from its end)
      --listen ADDR                receive events over HTTPS on HOST:PORT (or :PORT):
                                   POST /audit takes the API server's webhook EventLists
                                   (--audit-webhook-config-file), POST /falco Falco's JSON
                                   alerts (http_output); also /healthz, /readyz, /metrics
      --tls-cert-file FILE         with --listen: the serving certificate
      --tls-private-key-file FILE  with --listen: its key
      --client-ca-file FILE        with --listen: the CA that signs the clients' certificates
                                   (required: every client presents one)
      --client-name CN             with --listen: only clients whose certificate has this
                                   common name (repeatable)
      --only ID                    run only this detection (repeatable)
      --skip ID                    do not run this detection (repeatable)
      --option ID.KEY=VALUE        a detection option, VALUE as JSON or a string
                                   (repeatable), e.g. forbidden-burst.threshold=5
      --max-line-bytes BYTES       longer log lines and events are refused (default 1 MiB)
      --posture PATH               manifests to correlate alerts with (repeatable): each alert
                                   gets its object's owner (owner, team or contact label or
                                   annotation), open findings, a pod's service account, and
                                   what that account (or the subject) may do (cluster-admin,
                                   read secrets, exec...); read once, at the start
      --cluster                    correlate with the live cluster instead (read once)
      --context NAME               kubeconfig context (with --cluster)
      --kubeconfig FILE            kubeconfig file (with --cluster)
      --list                       list the detections and exit
  -o, --output FORMAT              table or json (one alert per line); default table
      --no-color                   plain output

Exit codes: for a log read to its end, 0 nothing detected, 1 detections, 2 usage or
input error (a line that is not an audit event, an unreadable file); with --follow or
--listen, 0 when stopped by SIGINT or SIGTERM, 2 on a usage error.

Examples:
  palisade audit --log /var/log/kubernetes/audit.log
  palisade audit --log /var/log/kubernetes/audit.log --follow -o json
  palisade audit --listen :8443 --tls-cert-file tls.crt --tls-private-key-file tls.key \\
      --client-ca-file clients-ca.crt --client-name kube-apiserver
  kubectl logs -n kube-system kube-apiserver-cp1 | palisade audit --log - --only pod-exec
`;

function objectText(alert: ContextAlert): string {
  const ref = alert.object;
  if (!ref) return '-';
  return `${ref.resource ?? ''}${ref.subresource ? `/${ref.subresource}` : ''} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '*'}`;
}

/** One alert as one line: JSON, or a table row (terminal-safe: names come from the cluster). */
export function alertLine(alert: ContextAlert, format: (typeof AUDIT_OUTPUTS)[number], color: boolean): string {
  if (format === 'json') return `${JSON.stringify(alert)}\n`;
  const severity = paint(color, SEVERITY_STYLE[alert.severity], alert.severity.toUpperCase().padEnd(8));
  const context = alert.context;
  const posture = context
    ? [context.owner ? `owner=${context.owner}` : '', context.serviceAccount ? `serviceAccount=${context.serviceAccount}` : '', context.findings ? `findings=${context.findings.join(',')}` : '', context.power ? `power=${context.power.join(', ')}` : ''].filter(Boolean).join(' ')
    : '';
  return `${alert.time}  ${severity}  ${alert.detection}  ${visible(alert.subject)}${alert.impersonatedBy ? ` (by ${visible(alert.impersonatedBy)})` : ''}  ${visible(objectText(alert))}  ${visible(alert.message)}  [${alert.technique.id} auditID=${visible(alert.auditID)}]${posture ? `  {${visible(posture)}}` : ''}\n`;
}

function parseOptions(specs: readonly string[]): Record<string, Record<string, unknown>> {
  const options: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const match = /^([a-z0-9-]+)\.([A-Za-z0-9]+)=(.*)$/s.exec(spec);
    if (!match) throw new UsageError(`--option ${spec}: expected ID.KEY=VALUE`);
    let value: unknown = match[3]!;
    try {
      value = JSON.parse(match[3]!);
    } catch {
      // a plain string
    }
    (options[match[1]!] ??= {})[match[2]!] = value;
  }
  return options;
}

function listen(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new UsageError(`--listen ${address}: expected HOST:PORT or :PORT`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

function byteCount(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1024) throw new UsageError(`${flag} ${text}: expected a whole number of bytes, at least 1024`);
  return value;
}

function listDetections(io: CommandIO, format: string): void {
  for (const detection of ALL_DETECTIONS) {
    if (format === 'json') io.stdout(`${JSON.stringify({ id: detection.id, title: detection.title, severity: detection.severity, technique: detection.technique, sources: detection.events.sources, level: detection.events.level })}\n`);
    else io.stdout(`${detection.id.padEnd(30)} ${detection.severity.padEnd(8)} ${detection.technique.id.padEnd(10)} ${detection.title}\n`);
  }
}

/** Resolves on SIGINT or SIGTERM, or when stopped; then stops listening for them. */
function untilSignal(): { promise: Promise<void>; abort: AbortController; stop: () => void } {
  const abort = new AbortController();
  let stop = () => {};
  const promise = new Promise<void>((resolve) => {
    stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      abort.abort();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return { promise, abort, stop };
}

/** The posture alerts are correlated with: objects from manifests or the cluster, and their scan findings. */
async function posture(values: { posture?: string[]; cluster?: boolean; context?: string; kubeconfig?: string }, io: CommandIO): Promise<Correlate> {
  const { loadInputs } = await import('../inputs.js');
  const { scanResources } = await import('../../app/scan.js');
  const { postureCorrelator } = await import('../../app/audit-posture.js');
  const loaded = await loadInputs({ ...(values.posture ? { filename: values.posture } : {}), ...(values.cluster ? { cluster: true } : {}), ...(values.context ? { context: values.context } : {}), ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}) }, [], io, { command: 'palisade audit' });
  for (const error of loaded.errors) io.stderr(`palisade audit: posture: ${visible(error.file)}${error.line ? `:${error.line}` : ''}: ${visible(error.message)}\n`);
  const scanned = scanResources(loaded, { planRequest: { now: io.now() }, version: io.version, allowEmpty: true });
  return postureCorrelator({ resources: loaded.resources, findings: scanned.evaluation.findings });
}

export async function auditCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      log: { type: 'string' },
      follow: { type: 'boolean', short: 'F' },
      'from-start': { type: 'boolean' },
      listen: { type: 'string' },
      'tls-cert-file': { type: 'string' },
      'tls-private-key-file': { type: 'string' },
      'client-ca-file': { type: 'string' },
      'client-name': { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
      option: { type: 'string', multiple: true },
      'max-line-bytes': { type: 'string' },
      posture: { type: 'string', multiple: true },
      cluster: { type: 'boolean' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      list: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(AUDIT_HELP);
    return 0;
  }
  const format = values.output ?? 'table';
  if (!(AUDIT_OUTPUTS as readonly string[]).includes(format)) throw new UsageError(`unknown output format "${format}" (one of ${AUDIT_OUTPUTS.join(', ')})`);
  const output = format as (typeof AUDIT_OUTPUTS)[number];
  if (values.list) {
    listDetections(io, output);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (the log is given with --log FILE)`);
  if ((values.log === undefined) === (values.listen === undefined)) throw new UsageError(`give one of --log FILE or --listen ADDR\n\n${AUDIT_HELP}`);
  if (values.listen !== undefined && (values.follow || values['from-start'])) throw new UsageError('--follow and --from-start read a log: not with --listen');
  if (values['from-start'] && !values.follow) throw new UsageError('--from-start is for --follow (a log read to its end is read from its start)');
  const maxLineBytes = byteCount(values['max-line-bytes'], '--max-line-bytes', 1024 * 1024);
  const limits = { maxEventBytes: maxLineBytes, maxDepth: 64, maxEvents: 10_000, maxStringLength: 4096 };
  const settings = {
    ...(values.only ? { only: values.only } : {}),
    ...(values.skip ? { skip: values.skip } : {}),
    options: parseOptions(values.option ?? []),
    limits,
  };
  let monitor: AuditMonitor;
  try {
    // Checked before any posture is read: an unknown detection or a mistyped option is a usage error.
    monitor = createAuditMonitor(settings);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  if (values.posture || values.cluster) monitor = createAuditMonitor({ ...settings, correlate: await posture(values, io) });
  const color = io.color && !values['no-color'];
  const emit = async (alerts: readonly ContextAlert[]) => {
    for (const alert of alerts) await io.stdout(alertLine(alert, output, color));
  };

  if (values.listen !== undefined) {
    const address = listen(values.listen);
    for (const flag of ['tls-cert-file', 'tls-private-key-file', 'client-ca-file'] as const) if (values[flag] === undefined) throw new UsageError(`--listen needs --${flag}`);
    const { startAuditServer } = await import('../../adapters/audit/server.js');
    const { pino } = await import('pino');
    // Alerts on stdout, logs on stderr.
    const logger = pino({ base: { component: 'palisade-audit' } }, pino.destination(2));
    const { Counter, Registry } = await import('prom-client');
    const registry = new Registry();
    const alertsTotal = new Counter({ name: 'palisade_audit_alerts_total', help: 'Alerts raised, by detection and severity.', labelNames: ['detection', 'severity'], registers: [registry] });
    const server = await startAuditServer({
      registry,
      certFile: values['tls-cert-file']!,
      keyFile: values['tls-private-key-file']!,
      clientCaFile: values['client-ca-file']!,
      ...(values['client-name'] ? { clientNames: values['client-name'] } : {}),
      host: address.host,
      port: address.port,
      limits,
      logger,
      receive: async (events) => {
        for (const event of events) {
          const alerts = monitor.event(event);
          for (const alert of alerts) alertsTotal.inc({ detection: alert.detection, severity: alert.severity });
          await emit(alerts);
        }
      },
    });
    io.stderr(`palisade audit: listening on ${address.host}:${server.port} (POST /audit, POST /falco)\n`);
    await untilSignal().promise;
    await server.close();
    return 0;
  }

  const log = values.log!;
  const inputError = (where: string, message: string) => {
    monitor.inputError();
    io.stderr(`palisade audit: ${visible(where)}: ${message}\n`);
  };
  if (log === '-') {
    if (values.follow) throw new UsageError('--follow reads a file: not stdin (stdin is read to its end)');
    const pending: { text: string; number: number }[] = [];
    const splitter = new LineSplitter(maxLineBytes, {
      line: (text, number) => pending.push({ text, number }),
      tooLong: (number, bytes) => inputError(`stdin:${number}`, `line of ${bytes} bytes is over the limit of ${maxLineBytes} bytes`),
    });
    const drain = async () => {
      for (const { text, number } of pending.splice(0)) {
        const result = monitor.line(text);
        if (result.error) inputError(`stdin:${number}`, result.error.message);
        await emit(result.alerts);
      }
    };
    for await (const chunk of process.stdin) {
      splitter.push(chunk as Buffer);
      await drain();
    }
    splitter.flush();
    await drain();
  } else {
    const { followFile } = await import('../../adapters/audit/follow.js');
    const signal = values.follow ? untilSignal() : undefined;
    try {
      await followFile({
        path: log,
        follow: values.follow === true,
        fromStart: values['from-start'] === true,
        maxLineBytes,
        ...(signal ? { signal: signal.abort.signal } : {}),
        line: async (text, where) => {
          const result = monitor.line(text);
          if (result.error) inputError(`${where.file}:${where.line}`, result.error.message);
          await emit(result.alerts);
        },
        tooLong: (where, bytes) => inputError(`${where.file}:${where.line}`, `line of ${bytes} bytes is over the limit of ${maxLineBytes} bytes`),
        rotated: (how) => io.progress(`palisade audit: ${log} was ${how}; reading the new log from its start`),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        io.stderr(`palisade audit: ${log}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'is a directory'}\n`);
        return 2;
      }
      throw error;
    } finally {
      signal?.stop();
    }
    if (values.follow) return 0;
  }
  const summary = monitor.summary();
  if (output === 'table') {
    const severities = Object.entries(summary.bySeverity).map(([severity, count]) => `${count} ${severity}`).join(', ');
    io.stderr(`${summary.alerts} alert${summary.alerts === 1 ? '' : 's'}${severities ? ` (${severities})` : ''} in ${summary.events} event${summary.events === 1 ? '' : 's'}${summary.errors ? `, ${summary.errors} refused` : ''}\n`);
  }
  return summary.errors > 0 ? 2 : summary.alerts > 0 ? 1 : 0;
}
