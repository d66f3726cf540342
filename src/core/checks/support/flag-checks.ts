/**
 * The glue between the control-plane model (src/core/control-plane: flag
 * parse and semantics) and the checks: message wording, the defineFlagCheck
 * template and the rule builders the control-plane checks share.
 */
import { defineCheck, type CheckDefinition, type OptionSpecs, type OptionValues, type Violation } from '../../model/check.js';
import type { Path } from '../../model/location.js';
import { parseGoBool, readInvocation, splitList, type Component, type FlagSetting, type Invocation } from '../../control-plane/flags.js';
import { admissionPlugin, authorizationModes, classifyIp, servingDisabled, type PluginState } from '../../control-plane/semantics.js';

// ---------------------------------------------------------------------------
// Messages

const SENSITIVE_NAME = /token|password|key/i;

/** A flag value fit for a message: values of flags named like credentials are shown only when they are file paths. */
export function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return '(unknown)';
  if (SENSITIVE_NAME.test(name) && !/[/\\]/.test(value)) return '(hidden)';
  return value;
}

/** How a setting reads in a message: --name=value, or NAME=value for an environment variable. */
export function describeSetting(setting: FlagSetting): string {
  const value = shownValue(setting.name, setting.value);
  return setting.source === 'environment' ? `${setting.variable}=${value}` : `--${setting.name}=${value}`;
}

/** The start of every message: which container runs which component. */
export function subject(invocation: Invocation): string {
  return `container "${invocation.container.name}" runs ${invocation.component}`;
}

/** `container "x" runs kube-apiserver with --profiling=true`, explaining a bare boolean followed by a stray argument. */
export function withSetting(invocation: Invocation, setting: FlagSetting): string {
  if (setting.bare && setting.stray !== undefined) {
    return `${subject(invocation)} with "--${setting.name} ${setting.stray}", which sets --${setting.name}=true (a boolean flag takes a value only after "=") and leaves "${setting.stray}" as an argument the binary rejects`;
  }
  return `${subject(invocation)} with ${describeSetting(setting)}`;
}

function listing(names: readonly string[]): string {
  const flags = names.map((name) => `--${name}`);
  return flags.length <= 1 ? (flags[0] ?? '') : `${flags.slice(0, -1).join(', ')} and ${flags[flags.length - 1]}`;
}

// ---------------------------------------------------------------------------
// The template

export type FlagRule<S extends OptionSpecs> = (invocation: Invocation, options: OptionValues<S>) => Iterable<Violation>;

/** A rule that takes no options. */
export type SimpleFlagRule = (invocation: Invocation) => Iterable<Violation>;

export interface FlagCheckSpec<S extends OptionSpecs> extends Omit<CheckDefinition<S>, 'category' | 'appliesTo' | 'evaluate'> {
  /** The component whose flags the check reads. */
  component: Component;
  evaluate: FlagRule<S>;
}

/**
 * A control-plane check: category 'control-plane', every workload kind, run on
 * each container that runs `component` (unless its flags cannot tell, as with
 * etcd --config-file).
 */
export function defineFlagCheck<S extends OptionSpecs>(spec: FlagCheckSpec<S>): CheckDefinition<S> {
  const { component, evaluate, ...metadata } = spec;
  return defineCheck<S>({
    ...metadata,
    category: 'control-plane',
    appliesTo: { workloads: true },
    appliesWhen: { description: `workloads that run ${component} configured by flags`, test: ({ workload }) => workload?.containers.some((container) => { const invocation = readInvocation(container); return invocation?.component === component && !invocation.opaque; }) ?? false },
    *evaluate({ workload, options }) {
      for (const container of workload?.containers ?? []) {
        const invocation = readInvocation(container);
        if (!invocation || invocation.component !== component || invocation.opaque) continue;
        for (const violation of evaluate(invocation, options)) yield { ...violation, container: container.name };
      }
    },
  });
}

/**
 * A boolean flag whose risky value is `risky`. `defaultValue` is the binary's
 * own default, used when the flag is absent. A value the binary cannot parse
 * (it would not start) and an unknown value are not reported.
 */
export function booleanFlag(flag: string, rule: { risky: boolean; defaultValue: boolean; consequence: string }): SimpleFlagRule {
  return function* (invocation) {
    const lookup = invocation.flag(flag);
    if (lookup.state === 'unknown') return;
    if (lookup.state === 'absent') {
      if (rule.defaultValue === rule.risky) {
        yield { path: invocation.listPath, message: `${subject(invocation)} without --${flag}, which defaults to ${rule.defaultValue}: ${rule.consequence}` };
      }
      return;
    }
    const { setting } = lookup;
    if (setting.value === undefined || parseGoBool(setting.value) !== rule.risky) return;
    yield { path: setting.valuePath, message: `${withSetting(invocation, setting)}: ${rule.consequence}` };
  };
}

/**
 * Flags that must be set to a non-empty value (files the component needs). One
 * violation names every missing flag; it points at an empty flag when there is
 * one, else at the command (or args) list.
 */
export function requiredFlags(flags: readonly string[], consequence: string): SimpleFlagRule {
  return function* (invocation) {
    const missing: string[] = [];
    let emptyAt: Path | undefined;
    for (const flag of flags) {
      const lookup = invocation.flag(flag);
      if (lookup.state === 'unknown') continue;
      if (lookup.state === 'absent') missing.push(flag);
      else if (lookup.setting.value === '') {
        missing.push(flag);
        emptyAt ??= lookup.setting.valuePath;
      }
    }
    if (missing.length === 0) return;
    const how = emptyAt ? `with no value for ${listing(missing)}` : `without ${listing(missing)}`;
    yield { path: emptyAt ?? invocation.listPath, message: `${subject(invocation)} ${how}: ${consequence}` };
  };
}

/** A flag that must not be set (to a non-empty value). */
export function forbiddenFlag(flag: string, consequence: string): SimpleFlagRule {
  return function* (invocation) {
    const lookup = invocation.flag(flag);
    if (lookup.state !== 'set' || lookup.setting.value === '') return;
    yield { path: lookup.setting.path, message: `${withSetting(invocation, lookup.setting)}: ${consequence}` };
  };
}

// ---------------------------------------------------------------------------
// Rules on the control-plane semantics

/** Explains a plugin's state as "with ..." / "without ..." and the element to point at. */
function explainPlugin(invocation: Invocation, plugin: string, state: PluginState): { path: Path; text: string } {
  const who = subject(invocation);
  if (state.decidedBy) {
    const setting = describeSetting(state.decidedBy);
    const path = state.decidedBy.valuePath;
    if (state.by === 'disable-admission-plugins') return { path, text: `${who} with ${setting}` };
    if (state.enabled) return { path, text: `${who} with ${setting}` };
    return { path, text: `${who} with ${setting}, which does not list ${plugin}` };
  }
  const enable = invocation.occurrences('enable-admission-plugins');
  const last = enable[enable.length - 1];
  if (!state.enabled && last) return { path: last.valuePath, text: `${who} with ${describeSetting(last)}, which does not list ${plugin}` };
  return {
    path: invocation.listPath,
    text: state.enabled ? `${who} with ${plugin} enabled by default` : `${who} without ${plugin} in --enable-admission-plugins (it is off by default)`,
  };
}

/** Reports when an admission plugin's state is the risky one. */
export function admissionPluginRule(plugin: string, rule: { riskyWhenEnabled: boolean; consequence: string }): SimpleFlagRule {
  return function* (invocation) {
    const state = admissionPlugin(invocation, plugin);
    if (!state || state.enabled !== rule.riskyWhenEnabled) return;
    const { path, text } = explainPlugin(invocation, plugin, state);
    yield { path, message: `${text}: ${rule.consequence}` };
  };
}


/** Reports when the authorizer chain lacks (or, for AlwaysAllow, has) a mode. */
export function authorizationModeRule(mode: string, rule: { riskyWhenPresent: boolean; consequence: string }): SimpleFlagRule {
  return function* (invocation) {
    const chain = authorizationModes(invocation);
    // An empty chain stops the binary ("at least one authorization-mode must be passed").
    if (!chain || chain.modes.length === 0 || chain.modes.includes(mode) !== rule.riskyWhenPresent) return;
    const who = subject(invocation);
    if (chain.settings.length === 0) {
      yield { path: invocation.listPath, message: `${who} without --authorization-mode, which defaults to AlwaysAllow: ${rule.consequence}` };
      return;
    }
    const holder = rule.riskyWhenPresent ? chain.settings.find((setting) => splitList(setting.value!).includes(mode))! : chain.settings[chain.settings.length - 1]!;
    const shown = chain.settings.length > 1 ? `, which makes the chain ${chain.modes.join(',')}` : '';
    const lacks = rule.riskyWhenPresent ? '' : chain.settings.length > 1 ? ` without ${mode}` : `, which does not include ${mode}`;
    yield { path: holder.valuePath, message: `${who} with ${describeSetting(holder)}${shown}${lacks}: ${rule.consequence}` };
  };
}


export function bindAddressRule(consequence: string): SimpleFlagRule {
  return function* (invocation) {
    if (servingDisabled(invocation)) return;
    const lookup = invocation.flag('bind-address');
    const who = subject(invocation);
    if (lookup.state === 'absent') {
      yield { path: invocation.listPath, message: `${who} without --bind-address, which defaults to 0.0.0.0 (every interface): ${consequence}` };
      return;
    }
    if (lookup.state !== 'set' || lookup.setting.value === undefined) return;
    // pflag's IP flags trim spaces; an empty or unparseable address stops the binary.
    const kind = classifyIp(lookup.setting.value.trim());
    if (kind === undefined || kind === 'loopback') return;
    const where = kind === 'unspecified' ? ' (every interface)' : '';
    yield { path: lookup.setting.valuePath, message: `${who} with ${describeSetting(lookup.setting)}${where}: ${consequence}` };
  };
}
