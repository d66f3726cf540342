import type { AnyCheck, OptionSpec } from '../model/check.js';
import { formatPath, type Path } from '../model/location.js';
import { isSeverity, SEVERITIES, type Severity } from '../model/severity.js';
import { controlsIn, STANDARD_IDS, type StandardId } from '../model/standards.js';
import { asArray, asRecord } from '../model/values.js';
import { isCalendarDate, type ExceptionRule } from './exceptions.js';

/** The shape of `.palisade.yaml`. Everything is optional. */
export interface PalisadeConfig {
  checks?: {
    /** turn on checks that are off by default ('*' for all) */
    enable?: string[];
    disable?: string[];
    /** run only these */
    only?: string[];
  };
  severity?: Record<string, Severity>;
  options?: Record<string, Record<string, unknown>>;
  exceptions?: ExceptionRule[];
  /** false forbids self-exemption through annotations */
  inlineExceptions?: boolean;
  /** The admission webhook's policy (modes, exemptions): read by `palisade admission`, ignored by scan. */
  admission?: unknown;
  /** Who may sign images (keys, keyless identities, trusted root): read where signatures are verified. */
  signatures?: unknown;
  /** Alerting (owners, routes, sinks): read by `palisade scan --alert` and `palisade alert`, ignored by scan. */
  alerts?: unknown;
}

export interface ConfigProblem {
  /** path into the config document, for locating the line */
  path: Path;
  message: string;
}

export interface PlannedCheck {
  check: AnyCheck;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface ScanPlan {
  checks: PlannedCheck[];
  exceptions: ExceptionRule[];
  inlineExceptions: boolean;
  /** the clock is an input: the core reads no time of its own */
  now: Date;
  standard?: StandardId;
  /** The id of every check the plan was resolved from (planned or not): an inline exception naming another is reported. */
  catalog?: ReadonlySet<string>;
}

export interface PlanRequest {
  config?: unknown;
  standard?: StandardId;
  now: Date;
  /** overrides config.inlineExceptions when set (--no-inline-exceptions) */
  inlineExceptions?: boolean;
  /** extra selection from the command line */
  only?: string[];
  enable?: string[];
  disable?: string[];
}

function checkOption(spec: OptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : 'must be a list of strings';
  }
}

function stringList(value: unknown, path: Path, problems: ConfigProblem[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ path, message: 'must be a list' });
    return [];
  }
  return value.map((item, index) => {
    if (typeof item !== 'string') problems.push({ path: [...path, index], message: 'must be a string' });
    return String(item);
  });
}

/** Validates a config against the registry and resolves what to run. Unknown ids and bad options are problems, never silent. */
export function resolvePlan(registry: readonly AnyCheck[], request: PlanRequest): { plan: ScanPlan; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const byId = new Map(registry.map((check) => [check.id, check]));
  const config = asRecord(request.config) ?? {};
  if (request.config !== undefined && request.config !== null && !asRecord(request.config)) {
    problems.push({ path: [], message: `the configuration must be a mapping of settings, not ${Array.isArray(request.config) ? 'a list' : `a ${typeof request.config}`}` });
  }
  // `admission` is validated by the admission use case (app/admission.ts), `signatures` by
  // parseSignaturePolicy (core/images/signatures.ts), `alerts` by core/alerts/config.ts, not here.
  const known = new Set(['checks', 'severity', 'options', 'exceptions', 'inlineExceptions', 'admission', 'signatures', 'alerts']);
  for (const key of Object.keys(config)) if (!known.has(key)) problems.push({ path: [key], message: `unknown setting "${key}"` });

  const requireKnown = (ids: string[], path: Path, allowStar: boolean) =>
    ids.forEach((id, index) => {
      if (!(allowStar && id === '*') && !byId.has(id)) problems.push({ path: [...path, index], message: `unknown check id "${id}"` });
    });

  const selection = asRecord(config.checks) ?? {};
  if (config.checks !== undefined && !asRecord(config.checks)) problems.push({ path: ['checks'], message: 'must be a mapping' });
  for (const key of Object.keys(selection)) if (!['enable', 'disable', 'only'].includes(key)) problems.push({ path: ['checks', key], message: `unknown setting "${key}"` });
  const enable = stringList(selection.enable, ['checks', 'enable'], problems);
  const disable = stringList(selection.disable, ['checks', 'disable'], problems);
  const only = stringList(selection.only, ['checks', 'only'], problems);
  requireKnown(enable, ['checks', 'enable'], true);
  requireKnown(disable, ['checks', 'disable'], false);
  requireKnown(only, ['checks', 'only'], false);
  for (const [list, flag] of [
    [request.only, '--check'],
    [request.enable, '--enable'],
    [request.disable, '--disable'],
  ] as const) {
    for (const id of list ?? []) if (!(id === '*' && flag === '--enable') && !byId.has(id)) problems.push({ path: [flag], message: `unknown check id "${id}"` });
  }

  const severities = asRecord(config.severity) ?? {};
  for (const [id, value] of Object.entries(severities)) {
    if (!byId.has(id)) problems.push({ path: ['severity', id], message: `unknown check id "${id}"` });
    else if (!isSeverity(value)) problems.push({ path: ['severity', id], message: `severity must be one of ${SEVERITIES.join(', ')}` });
  }

  const optionValues = asRecord(config.options) ?? {};
  for (const [id, values] of Object.entries(optionValues)) {
    const check = byId.get(id);
    if (!check) {
      problems.push({ path: ['options', id], message: `unknown check id "${id}"` });
      continue;
    }
    const record = asRecord(values);
    if (!record) {
      problems.push({ path: ['options', id], message: 'must be a mapping of option names to values' });
      continue;
    }
    for (const [name, value] of Object.entries(record)) {
      const spec = check.options[name];
      if (!spec) {
        const names = Object.keys(check.options);
        problems.push({ path: ['options', id, name], message: `check "${id}" has no option "${name}"${names.length ? ` (options: ${names.join(', ')})` : ''}` });
        continue;
      }
      const problem = checkOption(spec, value);
      if (problem) problems.push({ path: ['options', id, name], message: `option "${name}" ${problem}` });
    }
  }

  const exceptions: ExceptionRule[] = [];
  asArray(config.exceptions).forEach((item, index) => {
    const rule = asRecord(item);
    const path = ['exceptions', index];
    if (!rule) return problems.push({ path, message: 'must be a mapping' });
    for (const key of Object.keys(rule)) {
      if (!['checks', 'kinds', 'namespaces', 'names', 'containers', 'reason', 'expires'].includes(key)) problems.push({ path: [...path, key], message: `unknown setting "${key}"` });
    }
    const checks = stringList(rule.checks, [...path, 'checks'], problems);
    if (checks.length === 0) problems.push({ path, message: 'an exception must name its checks (or "*")' });
    requireKnown(checks, [...path, 'checks'], true);
    if (typeof rule.reason !== 'string' || rule.reason.trim() === '') problems.push({ path, message: 'an exception needs a reason' });
    const expires = rule.expires === undefined ? undefined : String(rule.expires);
    if (expires !== undefined && !isCalendarDate(expires)) {
      const shaped = /^\d{4}-\d{2}-\d{2}$/.test(expires);
      problems.push({ path: [...path, 'expires'], message: `expires must be a date, YYYY-MM-DD${shaped ? ` (${expires} is not a day of the calendar)` : ''}` });
    }
    const parsed: ExceptionRule = {
      checks,
      kinds: stringList(rule.kinds, [...path, 'kinds'], problems),
      namespaces: stringList(rule.namespaces, [...path, 'namespaces'], problems),
      names: stringList(rule.names, [...path, 'names'], problems),
      containers: stringList(rule.containers, [...path, 'containers'], problems),
      reason: String(rule.reason ?? ''),
    };
    if (expires) parsed.expires = expires;
    exceptions.push(parsed);
  });
  if (config.exceptions !== undefined && !Array.isArray(config.exceptions)) problems.push({ path: ['exceptions'], message: 'must be a list' });
  if (config.inlineExceptions !== undefined && typeof config.inlineExceptions !== 'boolean') problems.push({ path: ['inlineExceptions'], message: 'must be true or false' });
  if (request.standard !== undefined && !STANDARD_IDS.includes(request.standard)) problems.push({ path: ['--standard'], message: `unknown standard "${request.standard}" (one of ${STANDARD_IDS.join(', ')})` });
  // A standard selects exactly its checks: a selection beside it would be silently ignored.
  if (request.standard !== undefined) {
    if (request.only?.length) problems.push({ path: ['--check'], message: 'cannot be combined with --standard (a standard runs its own checks; --disable leaves some out)' });
    if (request.enable?.length) problems.push({ path: ['--enable'], message: 'cannot be combined with --standard (a standard runs its own checks; --disable leaves some out)' });
  }

  const onlySet = new Set([...only, ...(request.only ?? [])]);
  const enableSet = new Set([...enable, ...(request.enable ?? [])]);
  const disableSet = new Set([...disable, ...(request.disable ?? [])]);
  const selected = registry.filter((check) => {
    if (disableSet.has(check.id)) return false;
    if (request.standard) return controlsIn(check.standards, request.standard).length > 0;
    if (onlySet.size > 0) return onlySet.has(check.id);
    return check.enabledByDefault || enableSet.has(check.id) || enableSet.has('*');
  });

  const plan: ScanPlan = {
    checks: selected.map((check) => {
      const options: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(check.options as Record<string, OptionSpec>)) options[name] = spec.default;
      const overrides = asRecord(optionValues[check.id]) ?? {};
      for (const [name, value] of Object.entries(overrides)) if (check.options[name] && !checkOption(check.options[name] as OptionSpec, value)) options[name] = value;
      const severity = severities[check.id];
      return { check, severity: isSeverity(severity) ? severity : check.severity, options };
    }),
    exceptions,
    inlineExceptions: request.inlineExceptions ?? (config.inlineExceptions === false ? false : true),
    now: request.now,
    catalog: new Set(byId.keys()),
  };
  if (request.standard) plan.standard = request.standard;
  return { plan, problems };
}

export function describeProblem(problem: ConfigProblem): string {
  return `${formatPath(problem.path)}: ${problem.message}`;
}
