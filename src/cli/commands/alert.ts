import { parseArgs } from 'node:util';
import type { AlertSettings } from '../../core/alerts/config.js';
import { emailsIn } from '../../core/alerts/owner.js';
import type { Alert } from '../../core/alerts/model.js';
import { deliveriesFor } from '../../app/alerts.js';
import { alertSettingsOf } from '../alerts-settings.js';
import { loadConfigFile } from '../config.js';
import { ScanConfigError } from '../../app/scan.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const ALERT_HELP = `Usage: palisade alert SUBCOMMAND [flags]

Alerts that reach the owner of a finding, through the sinks of the alerts: section of the
configuration (Alertmanager, a JSON webhook, Slack, e-mail). 'palisade scan --alert' sends
a scan's findings; 'palisade watch' (planned) will drive the same alerts continuously.

Subcommands:
  test       send a test alert through each sink (or --sink NAME) and say which accepted it
  deliver    deliver what waits in the outbox (failed deliveries are retried with backoff)
  status     what the outbox holds and which findings are firing

Flags:
      --config FILE          configuration with an alerts: section (default .palisade.yaml)
      --alert-store FILE|URL outbox and dedup state: a SQLite file or a postgres:// URL (default
                             $PALISADE_ALERT_STORE or ~/.cache/palisade/alerts.db)
      --sink NAME            test: only this sink (repeatable)
      --team TEAM            test: the team the test alert is for (default: the default route's)
      --to ADDRESS           test: the e-mail address the test alert is for (repeatable)
      --alert-timeout DUR    deliver: wait at most this long for deliveries and retries (default 30s)

Exit codes: 0 every delivery accepted, 1 a sink failed (deliveries stay in the outbox), 2 usage error.

Examples:
  palisade alert test --config .palisade.yaml
  palisade alert test --sink team-slack --team payments
  palisade scan --cluster -A --alert          send a scan's findings to their owners
  palisade alert deliver --alert-timeout 2m   retry what earlier runs could not deliver
  palisade alert status
`;

const OPTIONS = {
  config: { type: 'string' },
  'alert-store': { type: 'string' },
  sink: { type: 'string', multiple: true },
  team: { type: 'string' },
  to: { type: 'string', multiple: true },
  'alert-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function settingsFrom(file: string | undefined): Promise<AlertSettings> {
  try {
    const { config, source } = await loadConfigFile(file);
    return alertSettingsOf(config, source ?? file);
  } catch (error) {
    if (error instanceof ScanConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** The test alert: a made-up finding on a made-up namespace, info severity, firing. */
function testAlert(settings: AlertSettings, team: string | undefined, to: readonly string[], now: Date): Alert {
  const emails = emailsIn(to.join(','));
  if (emails.length < to.length) throw new UsageError(`--to must be e-mail addresses (${to.join(', ')})`);
  return {
    key: JSON.stringify(['palisade-test-alert', '', 'Namespace', '', 'palisade-test', 'metadata', '', '']),
    checkId: 'palisade-test-alert',
    title: 'Palisade test alert',
    severity: 'info',
    object: { group: '', kind: 'Namespace', name: 'palisade-test' },
    path: 'metadata',
    namespace: '',
    team: team ?? settings.defaultRoute.team,
    owner: { team: team ?? settings.defaultRoute.team, teamFrom: team ? 'object' : 'default', emails },
    message: 'a test alert from palisade alert test: nothing is wrong',
    remediation: 'Nothing to fix: this alert tests the route to you.',
    status: 'firing',
    startsAt: now.toISOString(),
  };
}

export async function alertCommand(argv: string[], io: CommandIO): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout(ALERT_HELP);
    return subcommand === undefined ? 2 : 0;
  }
  if (!['test', 'deliver', 'status'].includes(subcommand)) throw new UsageError(`unknown subcommand "${subcommand}" (one of test, deliver, status)`);
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    io.stdout(ALERT_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const settings = await settingsFrom(values.config);
  // Loaded when they run: the sinks (nodemailer), SQLite and pino are not needed for --help or completion.
  const { createSinks } = await import('../../adapters/alerts/index.js');
  const { deliverPending, describeDelivered, openAlertStore, timeoutOf } = await import('../alerts.js');
  if (subcommand === 'test') {
    const sinks = createSinks(settings);
    for (const name of values.sink ?? []) if (!sinks.has(name)) throw new UsageError(`--sink ${name}: no such sink (configured: ${[...sinks.keys()].join(', ')})`);
    const alert = testAlert(settings, values.team, values.to ?? [], io.now());
    // Every sink gets the alert, with the recipients the route would give it.
    const routed = new Map(deliveriesFor({ alert, reason: 'new' }, { ...settings, defaultRoute: { ...settings.defaultRoute, sinks: [...sinks.keys()] }, routes: [] }).map((delivery) => [delivery.sink, delivery]));
    let failed = 0;
    for (const [name, sink] of sinks) {
      if (values.sink && !values.sink.includes(name)) continue;
      const delivery = routed.get(name)!;
      try {
        await sink.send(delivery, io.now());
        io.stdout(`${name} (${sink.type}): accepted${sink.type === 'email' ? ` (to ${delivery.recipients.email.join(', ')})` : ''}\n`);
      } catch (error) {
        failed++;
        io.stdout(`${name} (${sink.type}): failed: ${(error as Error).message}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  }
  const store = await openAlertStore(values['alert-store'], settings);
  try {
    if (subcommand === 'deliver') {
      const result = await deliverPending(store, settings, io, timeoutOf(values['alert-timeout'], '--alert-timeout'));
      io.stdout(`alerts: ${describeDelivered(result)}\n`);
      return result.retrying > 0 || result.dead > 0 ? 1 : 0;
    }
    const counts = await store.counts();
    const states = await store.states();
    io.stdout(`outbox: ${counts.pending} pending, ${counts.sent} sent, ${counts.dead} given up\nfiring: ${states.length}\n`);
    for (const state of states) io.stdout(`  ${state.alert.severity.padEnd(8)} ${state.alert.checkId} ${state.alert.object.kind} ${state.alert.namespace ? `${state.alert.namespace}/` : ''}${state.alert.object.name}  team ${state.alert.team}  since ${state.alert.startsAt}  (${state.scope})\n`);
    return 0;
  } finally {
    await store.close();
  }
}
