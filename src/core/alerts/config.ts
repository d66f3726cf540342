/**
 * The `alerts:` section of the configuration file: owner keys, routes, sinks, how often to
 * re-tell, and how to retry. Parsed into typed settings, every problem reported with its path
 * (the front end adds file and line), nothing silently ignored. Secrets (webhook URLs, tokens,
 * SMTP passwords) are never written in the file: they are named by environment variable.
 */
import type { ConfigProblem } from '../engine/config.js';
import type { Path } from '../model/location.js';
import { atLeast, isSeverity, SEVERITIES, type Severity } from '../model/severity.js';
import { asRecord } from '../model/values.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { Alert } from './model.js';
import { ownerKeysFrom, type OwnerKeys } from './owner.js';

export const SINK_TYPES = ['alertmanager', 'webhook', 'slack', 'email'] as const;
export type SinkType = (typeof SINK_TYPES)[number];

interface SinkBase {
  name: string;
  /** Per request or SMTP conversation step (ms). */
  timeoutMs: number;
}

export interface AlertmanagerSinkConfig extends SinkBase {
  type: 'alertmanager';
  /** Alertmanager's base URL (`http://alertmanager:9093`); alerts go to `<url>/api/v2/alerts`. */
  url: string;
  /** A firing alert's endsAt is this long after it was sent, so it resolves by itself if Palisade stops telling it (ms). */
  ttlMs: number;
}

export interface WebhookSinkConfig extends SinkBase {
  type: 'webhook' | 'slack';
  /** The URL, or the environment variable holding it (Slack's URLs are secrets). */
  url?: string;
  urlEnv?: string;
  /** An environment variable holding a bearer token (webhook only). */
  tokenEnv?: string;
}

export interface EmailSinkConfig extends SinkBase {
  type: 'email';
  host: string;
  port: number;
  /** TLS from the first byte (port 465); else STARTTLS when the server offers it (required with requireTLS). */
  secure: boolean;
  requireTLS: boolean;
  from: string;
  /** Recipients when neither the owner nor the route names one. */
  to: string[];
  userEnv?: string;
  passwordEnv?: string;
}

export type SinkConfig = AlertmanagerSinkConfig | WebhookSinkConfig | EmailSinkConfig;

export interface AlertRoute {
  /** Owner teams this route takes (none: any). */
  teams?: string[];
  /** Namespaces this route takes (none: any). */
  namespaces?: string[];
  /** Only alerts at or above. */
  minSeverity?: Severity;
  sinks: string[];
  /** Addresses for the email sink when the owner names none. */
  email: string[];
}

export interface DefaultRoute {
  /** The team of alerts whose object and namespace name no owner. */
  team: string;
  sinks: string[];
  email: string[];
}

export interface AlertSettings {
  /** Alerts only for findings at or above (default medium). */
  minSeverity: Severity;
  renotifyMs: number;
  ownerKeys: OwnerKeys;
  routes: AlertRoute[];
  defaultRoute: DefaultRoute;
  sinks: Record<string, SinkConfig>;
  backoff: BackoffPolicy;
  /** Deliveries waiting at most; beyond, new alerts are refused (and tried again on the next run). */
  maxPending: number;
  /** A link in every alert (Alertmanager's generatorURL): the dashboard, the runbook. */
  externalURL?: string;
}

export const DEFAULT_RENOTIFY_MS = 24 * 3_600_000;

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `15m`, `4h`, `1d`, or a combination (`1h30m`); undefined when not one. */
export function parseDuration(text: string): number | undefined {
  const parts = /^(?:\d+(?:ms|s|m|h|d))+$/.test(text) ? text.match(/\d+(?:ms|s|m|h|d)/g) : null;
  if (!parts) return undefined;
  let total = 0;
  for (const part of parts) {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(part)!;
    total += Number(amount) * UNITS[unit!]!;
  }
  return total;
}

/** Whether a configuration has an `alerts:` section. */
export function hasAlerts(config: unknown): boolean {
  return asRecord(config)?.alerts !== undefined;
}

/**
 * Reads `alerts:` from a whole configuration document (its `options.owner-label-missing`
 * gives the default owner keys). `env` names which environment variables exist, to say early
 * that a sink's secret is missing; their values are never read here.
 */
export function parseAlertSettings(config: unknown, env: ReadonlySet<string>): { settings: AlertSettings; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const root = asRecord(config);
  const raw = root?.alerts;
  const section = asRecord(raw) ?? {};
  if (raw !== undefined && raw !== null && !asRecord(raw)) problems.push({ path: ['alerts'], message: 'must be a mapping' });
  const known = ['minSeverity', 'renotifyInterval', 'ownerKeys', 'routes', 'defaultRoute', 'sinks', 'retry', 'maxPending', 'externalURL'];
  unknownKeys(section, ['alerts'], known, problems);

  const strings = (value: unknown, path: Path): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
      problems.push({ path, message: 'must be a list of non-empty strings' });
      return undefined;
    }
    return value as string[];
  };
  const duration = (value: unknown, path: Path, fallback: number, minimum = 0): number => {
    if (value === undefined) return fallback;
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined) {
      problems.push({ path, message: 'must be a duration such as 30s, 15m, 4h or 1d' });
      return fallback;
    }
    if (ms < minimum) problems.push({ path, message: `must be at least ${minimum} ms` });
    return ms;
  };
  const severity = (value: unknown, path: Path): Severity | undefined => {
    if (value === undefined) return undefined;
    if (isSeverity(value)) return value;
    problems.push({ path, message: `must be one of ${SEVERITIES.join(', ')}` });
    return undefined;
  };
  const positiveInteger = (value: unknown, path: Path, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    problems.push({ path, message: 'must be a whole number above 0' });
    return fallback;
  };
  const emails = (value: unknown, path: Path): string[] => {
    const list = strings(value, path) ?? [];
    list.forEach((item, index) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(item)) problems.push({ path: [...path, index], message: `"${item}" is not an e-mail address` });
    });
    return list;
  };

  // Owner keys: the owner-label-missing check's, unless given here.
  const checkOptions = asRecord(asRecord(root?.options)?.['owner-label-missing']) ?? {};
  const keysSection = asRecord(section.ownerKeys) ?? {};
  if (section.ownerKeys !== undefined && !asRecord(section.ownerKeys)) problems.push({ path: ['alerts', 'ownerKeys'], message: 'must be a mapping' });
  unknownKeys(keysSection, ['alerts', 'ownerKeys'], ['labels', 'annotations', 'contact', 'slackChannel'], problems);
  const overrides: Partial<OwnerKeys> = {};
  for (const field of ['labels', 'annotations', 'contact', 'slackChannel'] as const) {
    const list = strings(keysSection[field], ['alerts', 'ownerKeys', field]);
    if (list) overrides[field] = list;
  }
  const ownerKeys = ownerKeysFrom(
    {
      ...(Array.isArray(checkOptions.labels) ? { labels: checkOptions.labels.map(String) } : {}),
      ...(Array.isArray(checkOptions.annotations) ? { annotations: checkOptions.annotations.map(String) } : {}),
    },
    overrides,
  );

  // Sinks.
  const sinks: Record<string, SinkConfig> = {};
  const sinkSection = asRecord(section.sinks);
  if (section.sinks !== undefined && !sinkSection) problems.push({ path: ['alerts', 'sinks'], message: 'must be a mapping of sink names to sinks' });
  for (const [name, value] of Object.entries(sinkSection ?? {})) {
    const sink = parseSink(name, value, ['alerts', 'sinks', name], env, problems, duration, positiveInteger, emails);
    if (sink) sinks[name] = sink;
  }
  if (raw !== undefined && Object.keys(sinkSection ?? {}).length === 0) problems.push({ path: ['alerts', 'sinks'], message: `no sink configured: name at least one (types: ${SINK_TYPES.join(', ')})` });
  const sinkNames = (value: unknown, path: Path): string[] | undefined => {
    const list = strings(value, path);
    list?.forEach((item, index) => {
      if (sinkSection && !Object.hasOwn(sinkSection, item)) problems.push({ path: [...path, index], message: `unknown sink "${item}" (defined: ${Object.keys(sinkSection).join(', ') || 'none'})` });
    });
    return list;
  };

  // Routes, first match wins; then the default route.
  const routes: AlertRoute[] = [];
  if (section.routes !== undefined && !Array.isArray(section.routes)) problems.push({ path: ['alerts', 'routes'], message: 'must be a list of routes' });
  (Array.isArray(section.routes) ? section.routes : []).forEach((value, index) => {
    const path: Path = ['alerts', 'routes', index];
    const route = asRecord(value);
    if (!route) {
      problems.push({ path, message: 'must be a mapping (teams, namespaces, minSeverity, sinks, email)' });
      return;
    }
    unknownKeys(route, path, ['teams', 'namespaces', 'minSeverity', 'sinks', 'email'], problems);
    if (route.sinks === undefined) problems.push({ path, message: 'a route needs sinks: the sinks its alerts go to' });
    const teams = strings(route.teams, [...path, 'teams']);
    const namespaces = strings(route.namespaces, [...path, 'namespaces']);
    const minSeverity = severity(route.minSeverity, [...path, 'minSeverity']);
    routes.push({
      ...(teams ? { teams } : {}),
      ...(namespaces ? { namespaces } : {}),
      ...(minSeverity ? { minSeverity } : {}),
      sinks: sinkNames(route.sinks, [...path, 'sinks']) ?? [],
      email: emails(route.email, [...path, 'email']),
    });
  });
  const defaultSection = asRecord(section.defaultRoute) ?? {};
  if (section.defaultRoute !== undefined && !asRecord(section.defaultRoute)) problems.push({ path: ['alerts', 'defaultRoute'], message: 'must be a mapping (team, sinks, email)' });
  unknownKeys(defaultSection, ['alerts', 'defaultRoute'], ['team', 'sinks', 'email'], problems);
  if (defaultSection.team !== undefined && (typeof defaultSection.team !== 'string' || defaultSection.team === '')) problems.push({ path: ['alerts', 'defaultRoute', 'team'], message: 'must be a non-empty string' });
  const defaultRoute: DefaultRoute = {
    team: typeof defaultSection.team === 'string' && defaultSection.team !== '' ? defaultSection.team : 'unowned',
    sinks: sinkNames(defaultSection.sinks, ['alerts', 'defaultRoute', 'sinks']) ?? Object.keys(sinks),
    email: emails(defaultSection.email, ['alerts', 'defaultRoute', 'email']),
  };

  const retry = asRecord(section.retry) ?? {};
  if (section.retry !== undefined && !asRecord(section.retry)) problems.push({ path: ['alerts', 'retry'], message: 'must be a mapping (initialDelay, maxDelay, maxAttempts)' });
  unknownKeys(retry, ['alerts', 'retry'], ['initialDelay', 'maxDelay', 'maxAttempts'], problems);
  const backoff: BackoffPolicy = {
    initialMs: duration(retry.initialDelay, ['alerts', 'retry', 'initialDelay'], DEFAULT_BACKOFF.initialMs, 1),
    maxMs: duration(retry.maxDelay, ['alerts', 'retry', 'maxDelay'], DEFAULT_BACKOFF.maxMs, 1),
    maxAttempts: positiveInteger(retry.maxAttempts, ['alerts', 'retry', 'maxAttempts'], DEFAULT_BACKOFF.maxAttempts),
  };
  if (backoff.maxMs < backoff.initialMs) problems.push({ path: ['alerts', 'retry', 'maxDelay'], message: 'must not be shorter than initialDelay' });
  const renotifyMs = duration(section.renotifyInterval, ['alerts', 'renotifyInterval'], DEFAULT_RENOTIFY_MS, 1_000);
  for (const sink of Object.values(sinks)) {
    if (sink.type === 'alertmanager' && renotifyMs >= sink.ttlMs) problems.push({ path: ['alerts', 'sinks', sink.name, 'ttl'], message: `must be longer than renotifyInterval (${section.renotifyInterval ?? '24h'}): Alertmanager would resolve a firing alert before Palisade tells it again` });
  }
  if (section.externalURL !== undefined && (typeof section.externalURL !== 'string' || !/^https?:\/\/\S+$/.test(section.externalURL))) problems.push({ path: ['alerts', 'externalURL'], message: 'must be an http(s) URL' });
  return {
    settings: {
      minSeverity: severity(section.minSeverity, ['alerts', 'minSeverity']) ?? 'medium',
      renotifyMs,
      ownerKeys,
      routes,
      defaultRoute,
      sinks,
      backoff,
      maxPending: positiveInteger(section.maxPending, ['alerts', 'maxPending'], 10_000),
      ...(typeof section.externalURL === 'string' && /^https?:\/\/\S+$/.test(section.externalURL) ? { externalURL: section.externalURL } : {}),
    },
    problems,
  };
}

function unknownKeys(record: Record<string, unknown>, path: Path, known: readonly string[], problems: ConfigProblem[]): void {
  for (const key of Object.keys(record)) if (!known.includes(key)) problems.push({ path: [...path, key], message: `unknown setting "${key}" (one of ${known.join(', ')})` });
}

function parseSink(
  name: string,
  value: unknown,
  path: Path,
  env: ReadonlySet<string>,
  problems: ConfigProblem[],
  duration: (value: unknown, path: Path, fallback: number, minimum?: number) => number,
  positiveInteger: (value: unknown, path: Path, fallback: number) => number,
  emails: (value: unknown, path: Path) => string[],
): SinkConfig | undefined {
  const sink = asRecord(value);
  if (!sink) {
    problems.push({ path, message: `must be a mapping with a type (${SINK_TYPES.join(', ')})` });
    return undefined;
  }
  const type = sink.type;
  if (!(SINK_TYPES as readonly unknown[]).includes(type)) {
    problems.push({ path: [...path, 'type'], message: `must be one of ${SINK_TYPES.join(', ')}` });
    return undefined;
  }
  const timeoutMs = duration(sink.timeout, [...path, 'timeout'], 10_000, 1);
  const envName = (key: string): string | undefined => {
    const variable = sink[key];
    if (variable === undefined) return undefined;
    if (typeof variable !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      problems.push({ path: [...path, key], message: 'must name an environment variable' });
      return undefined;
    }
    if (!env.has(variable)) problems.push({ path: [...path, key], message: `the environment variable ${variable} is not set` });
    return variable;
  };
  const url = (required: boolean): string | undefined => {
    if (sink.url === undefined) {
      if (required) problems.push({ path, message: 'needs url' });
      return undefined;
    }
    if (typeof sink.url !== 'string' || !/^https?:\/\/[^\s/]+/.test(sink.url)) {
      problems.push({ path: [...path, 'url'], message: 'must be an http(s) URL' });
      return undefined;
    }
    return sink.url;
  };
  switch (type as SinkType) {
    case 'alertmanager': {
      unknownKeys(sink, path, ['type', 'url', 'ttl', 'timeout'], problems);
      return { type: 'alertmanager', name, timeoutMs, url: (url(true) ?? 'http://invalid').replace(/\/+$/, ''), ttlMs: duration(sink.ttl, [...path, 'ttl'], 48 * 3_600_000, 60_000) };
    }
    case 'webhook':
    case 'slack': {
      unknownKeys(sink, path, type === 'webhook' ? ['type', 'url', 'urlEnv', 'tokenEnv', 'timeout'] : ['type', 'url', 'urlEnv', 'timeout'], problems);
      const direct = url(false);
      const urlEnv = envName('urlEnv');
      if (sink.url === undefined && sink.urlEnv === undefined) problems.push({ path, message: 'needs url or urlEnv (an environment variable holding the URL; Slack webhook URLs are secrets)' });
      if (sink.url !== undefined && sink.urlEnv !== undefined) problems.push({ path, message: 'give url or urlEnv, not both' });
      const tokenEnv = type === 'webhook' ? envName('tokenEnv') : undefined;
      return { type: type as 'webhook' | 'slack', name, timeoutMs, ...(direct ? { url: direct } : {}), ...(urlEnv ? { urlEnv } : {}), ...(tokenEnv ? { tokenEnv } : {}) };
    }
    case 'email': {
      unknownKeys(sink, path, ['type', 'host', 'port', 'secure', 'requireTLS', 'from', 'to', 'userEnv', 'passwordEnv', 'timeout', 'password', 'user'], problems);
      if (sink.password !== undefined) problems.push({ path: [...path, 'password'], message: 'a password is never written in the configuration: put it in an environment variable and name it with passwordEnv' });
      if (sink.user !== undefined) problems.push({ path: [...path, 'user'], message: 'name the user with userEnv (an environment variable), beside passwordEnv' });
      if (typeof sink.host !== 'string' || sink.host === '') problems.push({ path: [...path, 'host'], message: 'needs host: the SMTP server' });
      if (typeof sink.from !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(sink.from)) problems.push({ path: [...path, 'from'], message: 'needs from: the sender address' });
      for (const flag of ['secure', 'requireTLS']) if (sink[flag] !== undefined && typeof sink[flag] !== 'boolean') problems.push({ path: [...path, flag], message: 'must be true or false' });
      const port = positiveInteger(sink.port, [...path, 'port'], sink.secure === true ? 465 : 587);
      const userEnv = envName('userEnv');
      const passwordEnv = envName('passwordEnv');
      if ((sink.userEnv === undefined) !== (sink.passwordEnv === undefined)) problems.push({ path, message: 'give userEnv and passwordEnv together' });
      return {
        type: 'email',
        name,
        timeoutMs,
        host: typeof sink.host === 'string' ? sink.host : '',
        port,
        secure: sink.secure === true,
        requireTLS: sink.requireTLS === true,
        from: typeof sink.from === 'string' ? sink.from : '',
        to: emails(sink.to, [...path, 'to']),
        ...(userEnv ? { userEnv } : {}),
        ...(passwordEnv ? { passwordEnv } : {}),
      };
    }
  }
}

/** Where an alert goes: the first route that takes it, else the default route. */
export function routeOf(alert: Pick<Alert, 'team' | 'namespace' | 'severity'>, settings: Pick<AlertSettings, 'routes' | 'defaultRoute'>): { sinks: string[]; email: string[] } {
  for (const route of settings.routes) {
    if (route.teams && !route.teams.includes(alert.team)) continue;
    if (route.namespaces && !route.namespaces.includes(alert.namespace)) continue;
    if (route.minSeverity && !atLeast(alert.severity, route.minSeverity)) continue;
    return { sinks: route.sinks, email: route.email };
  }
  return { sinks: settings.defaultRoute.sinks, email: settings.defaultRoute.email };
}
