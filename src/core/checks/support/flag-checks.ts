/**
 * The glue between the control-plane model (src/core/control-plane: flag
 * parse and semantics) and the checks: message wording, the defineFlagCheck
 * template and the rule builders the control-plane checks share.
 */
import { defineCheck, type CheckDefinition, type OptionSpecs, type OptionValues, type Violation } from '../../model/check.js';
import type { Path } from '../../model/location.js';
import type { Workload } from '../../kinds/pod-spec.js';
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

/** The data every flag message starts with: which container runs which component (`container "{{container}}" runs {{component}}`). */
export function subject(invocation: Invocation): { container: string; component: string } {
  return { container: invocation.container.name, component: invocation.component };
}

/**
 * The sentence shapes of the control-plane checks, declared once by defineFlagCheck for
 * every check it builds. Each starts with the container and the component it runs; the
 * consequence is the check's own clause.
 */
export const FLAG_MESSAGES = {
  set: 'container "{{container}}" runs {{component}} with {{setting}}: {{consequence}}',
  setStray:
    'container "{{container}}" runs {{component}} with "--{{flag}} {{stray}}", which sets --{{flag}}=true (a boolean flag takes a value only after "=") and leaves "{{stray}}" as an argument the binary rejects: {{consequence}}',
  defaulted: 'container "{{container}}" runs {{component}} without --{{flag}}, which defaults to {{default}}: {{consequence}}',
  missing: 'container "{{container}}" runs {{component}} without {{flags}}: {{consequence}}',
  empty: 'container "{{container}}" runs {{component}} with no value for {{flags}}: {{consequence}}',
  pluginNotListed: 'container "{{container}}" runs {{component}} with {{setting}}, which does not list {{plugin}}: {{consequence}}',
  pluginDefaultOn: 'container "{{container}}" runs {{component}} with {{plugin}} enabled by default: {{consequence}}',
  pluginDefaultOff: 'container "{{container}}" runs {{component}} without {{plugin}} in --enable-admission-plugins (it is off by default): {{consequence}}',
  authorizationDefault: 'container "{{container}}" runs {{component}} without --authorization-mode, which defaults to AlwaysAllow: {{consequence}}',
  authorizationChain: 'container "{{container}}" runs {{component}} with {{setting}}, which makes the chain {{chain}}: {{consequence}}',
  authorizationLacks: 'container "{{container}}" runs {{component}} with {{setting}}, which does not include {{mode}}: {{consequence}}',
  authorizationChainLacks: 'container "{{container}}" runs {{component}} with {{setting}}, which makes the chain {{chain}} without {{mode}}: {{consequence}}',
  bindDefault: 'container "{{container}}" runs {{component}} without --bind-address, which defaults to 0.0.0.0 (every interface): {{consequence}}',
  bindEveryInterface: 'container "{{container}}" runs {{component}} with {{setting}} (every interface): {{consequence}}',
} as const;

export type FlagMessageId = keyof typeof FLAG_MESSAGES;

/** `... with --profiling=true: <consequence>`, explaining a bare boolean followed by a stray argument. */
export function withSetting(invocation: Invocation, setting: FlagSetting, path: Path, consequence: string): Violation<FlagMessageId> {
  if (setting.bare && setting.stray !== undefined) {
    return { path, messageId: 'setStray', data: { ...subject(invocation), flag: setting.name, stray: setting.stray, consequence } };
  }
  return { path, messageId: 'set', data: { ...subject(invocation), setting: describeSetting(setting), consequence } };
}

function listing(names: readonly string[]): string {
  const flags = names.map((name) => `--${name}`);
  return flags.length <= 1 ? (flags[0] ?? '') : `${flags.slice(0, -1).join(', ')} and ${flags[flags.length - 1]}`;
}

// ---------------------------------------------------------------------------
// The template

export type FlagRule<S extends OptionSpecs, M extends string = FlagMessageId> = (invocation: Invocation, options: OptionValues<S>) => Iterable<Violation<M>>;

/** A rule that takes no options. */
export type SimpleFlagRule = (invocation: Invocation) => Iterable<Violation<FlagMessageId>>;

export interface FlagCheckSpec<S extends OptionSpecs, M extends string> extends Omit<CheckDefinition<S, M>, 'category' | 'appliesTo' | 'evaluate' | 'messages'> {
  /** The component whose flags the check reads. */
  component: Component;
  /** The check's own sentence shapes, besides the template's FLAG_MESSAGES. */
  messages?: Readonly<Record<M, string>>;
  evaluate: FlagRule<S, FlagMessageId | NoInfer<M>>;
}

/**
 * A control-plane check: category 'control-plane', every workload kind, run on
 * each container that runs `component` (unless its flags cannot tell, as with
 * etcd --config-file).
 */
export function defineFlagCheck<S extends OptionSpecs, M extends string = never>(spec: FlagCheckSpec<S, M>): CheckDefinition<S, FlagMessageId | M> {
  const { component, evaluate, messages, ...metadata } = spec;
  return defineCheck<S, FlagMessageId | M>({
    ...metadata,
    category: 'control-plane',
    messages: { ...FLAG_MESSAGES, ...messages } as Readonly<Record<FlagMessageId | M, string>>,
    appliesTo: { workloads: true },
    appliesWhen: { description: `workloads that run ${component} configured by flags`, test: ({ workload }) => runsComponent(workload, component) },
    // Every workload gets the control-plane checks: on one that runs no such component, report
    // nothing without starting a generator.
    evaluate({ workload, options }) {
      return runsComponent(workload, component) ? flagViolations(workload!, component, evaluate, options) : NO_VIOLATIONS;
    },
  });
}

const NO_VIOLATIONS: readonly never[] = [];

function runsComponent(workload: Workload | undefined, component: Component): boolean {
  if (!workload) return false;
  for (const container of workload.containers) {
    const invocation = readInvocation(container);
    if (invocation?.component === component && !invocation.opaque) return true;
  }
  return false;
}

function* flagViolations<S extends OptionSpecs, M extends string>(workload: Workload, component: Component, evaluate: FlagRule<S, M>, options: OptionValues<S>): Iterable<Violation<M>> {
  for (const container of workload.containers) {
    const invocation = readInvocation(container);
    if (!invocation || invocation.component !== component || invocation.opaque) continue;
    for (const violation of evaluate(invocation, options)) yield { ...violation, container: container.name };
  }
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
        yield { path: invocation.listPath, messageId: 'defaulted', data: { ...subject(invocation), flag, default: String(rule.defaultValue), consequence: rule.consequence } };
      }
      return;
    }
    const { setting } = lookup;
    if (setting.value === undefined || parseGoBool(setting.value) !== rule.risky) return;
    yield withSetting(invocation, setting, setting.valuePath, rule.consequence);
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
    yield { path: emptyAt ?? invocation.listPath, messageId: emptyAt ? 'empty' : 'missing', data: { ...subject(invocation), flags: listing(missing), consequence } };
  };
}

/** A flag that must not be set (to a non-empty value). */
export function forbiddenFlag(flag: string, consequence: string): SimpleFlagRule {
  return function* (invocation) {
    const lookup = invocation.flag(flag);
    if (lookup.state !== 'set' || lookup.setting.value === '') return;
    yield withSetting(invocation, lookup.setting, lookup.setting.path, consequence);
  };
}

// ---------------------------------------------------------------------------
// Rules on the control-plane semantics

/** Explains a plugin's state ("with ..." / "without ...") at the element to point at. */
function explainPlugin(invocation: Invocation, plugin: string, state: PluginState, consequence: string): Violation<FlagMessageId> {
  const who = subject(invocation);
  if (state.decidedBy) {
    const path = state.decidedBy.valuePath;
    if (state.by === 'disable-admission-plugins' || state.enabled) return { path, messageId: 'set', data: { ...who, setting: describeSetting(state.decidedBy), consequence } };
    return { path, messageId: 'pluginNotListed', data: { ...who, setting: describeSetting(state.decidedBy), plugin, consequence } };
  }
  const enable = invocation.occurrences('enable-admission-plugins');
  const last = enable[enable.length - 1];
  if (!state.enabled && last) return { path: last.valuePath, messageId: 'pluginNotListed', data: { ...who, setting: describeSetting(last), plugin, consequence } };
  return { path: invocation.listPath, messageId: state.enabled ? 'pluginDefaultOn' : 'pluginDefaultOff', data: { ...who, plugin, consequence } };
}

/** Reports when an admission plugin's state is the risky one. */
export function admissionPluginRule(plugin: string, rule: { riskyWhenEnabled: boolean; consequence: string }): SimpleFlagRule {
  return function* (invocation) {
    const state = admissionPlugin(invocation, plugin);
    if (!state || state.enabled !== rule.riskyWhenEnabled) return;
    yield explainPlugin(invocation, plugin, state, rule.consequence);
  };
}


/** Reports when the authorizer chain lacks (or, for AlwaysAllow, has) a mode. */
export function authorizationModeRule(mode: string, rule: { riskyWhenPresent: boolean; consequence: string }): SimpleFlagRule {
  return function* (invocation) {
    const chain = authorizationModes(invocation);
    // An empty chain stops the binary ("at least one authorization-mode must be passed").
    if (!chain || chain.modes.length === 0 || chain.modes.includes(mode) !== rule.riskyWhenPresent) return;
    const who = subject(invocation);
    const { consequence } = rule;
    if (chain.settings.length === 0) {
      yield { path: invocation.listPath, messageId: 'authorizationDefault', data: { ...who, consequence } };
      return;
    }
    const holder = rule.riskyWhenPresent ? chain.settings.find((setting) => splitList(setting.value!).includes(mode))! : chain.settings[chain.settings.length - 1]!;
    const data = { ...who, setting: describeSetting(holder), consequence };
    const several = chain.settings.length > 1;
    const chainData = { ...data, chain: chain.modes.join(',') };
    if (rule.riskyWhenPresent) yield several ? { path: holder.valuePath, messageId: 'authorizationChain', data: chainData } : { path: holder.valuePath, messageId: 'set', data };
    else yield several ? { path: holder.valuePath, messageId: 'authorizationChainLacks', data: { ...chainData, mode } } : { path: holder.valuePath, messageId: 'authorizationLacks', data: { ...data, mode } };
  };
}


export function bindAddressRule(consequence: string): SimpleFlagRule {
  return function* (invocation) {
    if (servingDisabled(invocation)) return;
    const lookup = invocation.flag('bind-address');
    const who = subject(invocation);
    if (lookup.state === 'absent') {
      yield { path: invocation.listPath, messageId: 'bindDefault', data: { ...who, consequence } };
      return;
    }
    if (lookup.state !== 'set' || lookup.setting.value === undefined) return;
    // pflag's IP flags trim spaces; an empty or unparseable address stops the binary.
    const kind = classifyIp(lookup.setting.value.trim());
    if (kind === undefined || kind === 'loopback') return;
    yield { path: lookup.setting.valuePath, messageId: kind === 'unspecified' ? 'bindEveryInterface' : 'set', data: { ...who, setting: describeSetting(lookup.setting), consequence } };
  };
}
