import { parseAlertSettings, type AlertSettings } from '../core/alerts/config.js';
import { describeProblem } from '../core/engine/config.js';
import { locate } from '../core/model/location.js';
import { UsageError } from './usage-error.js';

/** The alert settings of a configuration; a usage error naming each problem at its line. */
export function alertSettingsOf(config: unknown, source: string | undefined, env: NodeJS.ProcessEnv = process.env): AlertSettings {
  if ((config as { alerts?: unknown } | undefined)?.alerts === undefined) {
    throw new UsageError(`${source ?? 'the configuration'} has no alerts: section (sinks and routes: see "Alerts" in the README)`);
  }
  const { settings, problems } = parseAlertSettings(config, new Set(Object.keys(env).filter((key) => env[key] !== undefined && env[key] !== '')));
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const position = locate(config, problem.path).position;
      return `${source ?? 'config'}${position ? `:${position.line}:${position.column}` : ''}: ${describeProblem(problem)}`;
    });
    throw new UsageError(`invalid alerts configuration:\n  ${lines.join('\n  ')}`);
  }
  return settings;
}

