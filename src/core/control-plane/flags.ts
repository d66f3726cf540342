import type { ContainerView } from '../kinds/pod-spec.js';
import type { Path } from '../model/location.js';
import { asArray, asRecord } from '../model/values.js';

/**
 * Command-line flags of the control-plane components, read from the container
 * that runs them (a kubeadm static pod, the same manifest read from
 * /etc/kubernetes/manifests, or a Deployment of a hosted control plane).
 *
 * The parse follows the parsers the binaries use:
 * - kube-apiserver, kube-controller-manager and kube-scheduler use spf13/pflag
 *   through cobra, with Kubernetes' word-separator normalisation (`_` reads as
 *   `-`): `--flag=value`, `--flag value` (non-boolean flags only), `--flag` for
 *   a boolean (true), `--` ends the flags, `-v 2` is the only shorthand taking
 *   a value. A repeated scalar flag keeps its last value; a list flag
 *   (StringSlice: --authorization-mode, --enable-admission-plugins, ...)
 *   replaces its default on the first occurrence and appends on the next ones.
 * - etcd uses Go's flag package: the same forms, with one or two dashes, and
 *   every flag also readable from an ETCD_<NAME> environment variable (upper
 *   case, `-` as `_`), which a command-line flag overrides. An empty variable
 *   is ignored. With --config-file (or ETCD_CONFIG_FILE) etcd ignores every
 *   other flag and variable.
 * - A boolean flag never takes the next argument: `--profiling false` sets
 *   --profiling=true and leaves "false" as a stray argument, which every one
 *   of these binaries then rejects at start. The stray argument is kept so
 *   that messages can say so. (Go's flag package would stop reading at the
 *   stray argument; since etcd refuses to start either way, flags after it are
 *   still read, as their author meant them.)
 * - The kubelet expands $(VAR) references in command, args and env values
 *   from the container's environment before the binary sees them; a reference
 *   to a variable whose value comes from elsewhere (valueFrom, envFrom) makes
 *   the value unknown, and checks do not guess it.
 */

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface FlagSyntax {
  /** 'pflag': spf13/pflag with Kubernetes' normalisation; 'go': Go's flag package. */
  style: 'pflag' | 'go';
  /** Flags that take no separate value argument. */
  booleanFlags: ReadonlySet<string>;
}

// Boolean flags, from each binary's --help (kube-apiserver v1.32, etcd v3.5; the
// other two from their reference pages). Only these matter for the parse: a flag
// not listed here is taken to need a value.
const KUBE_COMMON_BOOLEANS = ['help', 'version', 'disable-http2-serving', 'permit-address-sharing', 'permit-port-sharing', 'log-text-split-stream', 'log-json-split-stream', 'contention-profiling', 'profiling'];
const KLOG_BOOLEANS = ['logtostderr', 'alsologtostderr', 'add-dir-header', 'skip-headers', 'skip-log-headers', 'one-output'];

export const FLAG_SYNTAX: Readonly<Record<Component, FlagSyntax>> = {
  'kube-apiserver': {
    style: 'pflag',
    booleanFlags: new Set([
      ...KUBE_COMMON_BOOLEANS,
      ...KLOG_BOOLEANS,
      'aggregator-reject-forwarding-redirect',
      'allow-privileged',
      'anonymous-auth',
      'audit-log-batch-throttle-enable',
      'audit-log-compress',
      'audit-log-truncate-enabled',
      'audit-webhook-batch-throttle-enable',
      'audit-webhook-truncate-enabled',
      'enable-aggregator-routing',
      'enable-bootstrap-token-auth',
      'enable-garbage-collector',
      'enable-logs-handler',
      'enable-priority-and-fairness',
      'encryption-provider-config-automatic-reload',
      'service-account-extend-token-expiration',
      'service-account-lookup',
      'shutdown-send-retry-after',
      'watch-cache',
    ]),
  },
  'kube-controller-manager': {
    style: 'pflag',
    booleanFlags: new Set([
      ...KUBE_COMMON_BOOLEANS,
      ...KLOG_BOOLEANS,
      'allocate-node-cidrs',
      'authentication-skip-lookup',
      'authentication-tolerate-lookup-failure',
      'configure-cloud-routes',
      'disable-attach-detach-reconcile-sync',
      'disable-force-detach-on-timeout',
      'enable-dynamic-provisioning',
      'enable-garbage-collector',
      'enable-hostpath-provisioner',
      'enable-leader-migration',
      'enable-taint-manager',
      'leader-elect',
      'use-service-account-credentials',
    ]),
  },
  'kube-scheduler': {
    style: 'pflag',
    booleanFlags: new Set([...KUBE_COMMON_BOOLEANS, ...KLOG_BOOLEANS, 'authentication-skip-lookup', 'authentication-tolerate-lookup-failure', 'leader-elect']),
  },
  etcd: {
    style: 'go',
    booleanFlags: new Set([
      'auto-tls',
      'client-cert-auth',
      'debug',
      'enable-grpc-gateway',
      'enable-log-rotation',
      'enable-pprof',
      'enable-v2',
      'experimental-compact-hash-check-enabled',
      'experimental-enable-distributed-tracing',
      'experimental-enable-lease-checkpoint',
      'experimental-enable-lease-checkpoint-persist',
      'experimental-initial-corrupt-check',
      'experimental-memory-mlock',
      'experimental-peer-skip-client-san-verification',
      'experimental-stop-grpc-service-on-defrag',
      'experimental-txn-mode-write-with-shared-buffer',
      'force-new-cluster',
      'help',
      'initial-election-tick-advance',
      'peer-auto-tls',
      'peer-client-cert-auth',
      'pre-vote',
      'socket-reuse-address',
      'socket-reuse-port',
      'strict-reconfig-check',
      'unsafe-no-fsync',
      'version',
    ]),
  },
};

/** Wrappers that run the component: registry.k8s.io images ship /go-runner, whose own flags come first. */
const WRAPPERS: Readonly<Record<string, FlagSyntax>> = {
  'go-runner': { style: 'go', booleanFlags: new Set(['also-stdout', 'redirect-stderr']) },
};

/** One argument. `unknownFrom` marks where an unresolved $(VAR) reference starts: from there on the text is not known. */
export interface Token {
  text: string;
  unknownFrom?: number;
}

export interface ParsedFlag {
  /** Name without dashes, normalised as the binary does. */
  name: string;
  /** The value; undefined when it cannot be known (an unresolved reference, or a non-boolean flag given no value). */
  value: string | undefined;
  /** Index of the argument naming the flag. */
  index: number;
  /** Index of the argument holding the value (the same as `index` for --flag=value and bare flags). */
  valueIndex: number;
  /** Given as `--flag` with no value. */
  bare: boolean;
  /** Index of a stray argument right after a bare boolean flag (`--profiling false`). */
  stray?: number;
}

export interface ParsedArgs {
  flags: ParsedFlag[];
  /** Indexes of arguments that are not flags or flag values. */
  positionals: number[];
}

function tokenOf(item: string | Token): Token {
  return typeof item === 'string' ? { text: item } : item;
}

function looksLikeFlag(text: string): boolean {
  return text.length > 1 && text.startsWith('-');
}

/** Parses arguments (after the binary's name) as the component's flag parser does. */
export function parseArgs(items: readonly (string | Token)[], syntax: FlagSyntax): ParsedArgs {
  const tokens = items.map(tokenOf);
  const flags: ParsedFlag[] = [];
  const positionals: number[] = [];
  let terminated = false;
  for (let index = 0; index < tokens.length; index++) {
    const { text, unknownFrom } = tokens[index]!;
    if (terminated || !looksLikeFlag(text)) {
      positionals.push(index);
      continue;
    }
    if (text === '--') {
      terminated = true;
      continue;
    }
    const dashes = text.startsWith('--') ? 2 : 1;
    if (dashes === 1 && syntax.style === 'pflag') {
      // pflag shorthand. Of the Kubernetes components' shorthands only -v (klog verbosity) takes a value.
      if (text === '-v' && index + 1 < tokens.length && !looksLikeFlag(tokens[index + 1]!.text)) index++;
      continue;
    }
    const body = text.slice(dashes);
    if (body === '' || body.startsWith('-') || body.startsWith('=')) {
      // "bad flag syntax": the binary refuses to start.
      positionals.push(index);
      continue;
    }
    const equals = body.indexOf('=');
    const rawName = equals < 0 ? body : body.slice(0, equals);
    if (unknownFrom !== undefined && unknownFrom < dashes + rawName.length) continue; // the name itself is not known
    const name = syntax.style === 'pflag' ? rawName.replaceAll('_', '-') : rawName;
    if (equals >= 0) {
      flags.push({ name, value: unknownFrom === undefined ? body.slice(equals + 1) : undefined, index, valueIndex: index, bare: false });
      continue;
    }
    const next = tokens[index + 1];
    if (syntax.booleanFlags.has(name)) {
      const flag: ParsedFlag = { name, value: 'true', index, valueIndex: index, bare: true };
      // kube-apiserver and the others reject a non-empty positional argument (an empty one is ignored).
      if (next !== undefined && next.text !== '' && !looksLikeFlag(next.text)) flag.stray = index + 1;
      flags.push(flag);
      continue;
    }
    if (next !== undefined && !looksLikeFlag(next.text)) {
      flags.push({ name, value: next.unknownFrom === undefined ? next.text : undefined, index, valueIndex: index + 1, bare: false });
      index++;
      continue;
    }
    // A value-taking flag with no value: the binary would fail, or take the next flag as the value.
    flags.push({ name, value: undefined, index, valueIndex: index, bare: true });
  }
  return { flags, positionals };
}

/** Go's strconv.ParseBool, which both flag parsers use. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return undefined;
}

/** Go's strconv.ParseInt(text, 0, 64), which pflag's int flags use: 0x, 0o, 0b and leading-0 octal, `_` between digits. */
export function parseGoInt(text: string): number | undefined {
  const match = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, literal] = match as unknown as [string, string, string];
  const digits = literal.replaceAll('_', '');
  let value: number;
  if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (/^0[oO]/.test(digits)) value = parseInt(digits.slice(2), 8);
  else if (/^0[bB]/.test(digits)) value = parseInt(digits.slice(2), 2);
  else if (digits.length > 1 && digits.startsWith('0')) value = parseInt(digits.slice(1), 8);
  else value = parseInt(digits, 10);
  if (!Number.isSafeInteger(value)) return undefined;
  return sign === '-' ? -value : value;
}

/** A pflag StringSlice value: comma-separated (whitespace around items is dropped; the binary would reject it). */
export function splitList(value: string): string[] {
  return value === '' ? [] : value.split(',').map((item) => item.trim());
}

/** What the container's environment says about a variable. */
type EnvValue = { known: true; value: string; path: Path; index: number } | { known: false; path: Path; index: number };

/**
 * Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion): `$$` is a
 * literal `$`, `$(NAME)` is replaced by the variable when it is defined, and
 * left as written when it is not. `unknownFrom` is where the first reference
 * to a variable of unknown value starts.
 */
export function expandReferences(input: string, lookup: (name: string) => { value: string } | 'unknown' | undefined): Token {
  let out = '';
  let unknownFrom: number | undefined;
  for (let cursor = 0; cursor < input.length; cursor++) {
    const char = input[cursor]!;
    if (char !== '$' || cursor + 1 >= input.length) {
      out += char;
      continue;
    }
    const next = input[cursor + 1]!;
    if (next === '$') {
      out += '$';
      cursor++;
      continue;
    }
    if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close >= 0) {
        const name = input.slice(cursor + 2, close);
        const found = lookup(name);
        if (found === 'unknown') {
          unknownFrom ??= out.length;
          out += `$(${name})`;
        } else out += found === undefined ? `$(${name})` : found.value;
        cursor = close;
        continue;
      }
    }
    out += char;
  }
  return unknownFrom === undefined ? { text: out } : { text: out, unknownFrom };
}

/** Reads the container's env list (later entries win, as in the kubelet), expanding references in order. */
function readEnvironment(container: ContainerView): { env: Map<string, EnvValue>; envFrom: boolean } {
  const env = new Map<string, EnvValue>();
  const envFrom = asArray(container.container.envFrom).length > 0;
  const lookup = (name: string) => {
    const found = env.get(name);
    if (found) return found.known ? { value: found.value } : ('unknown' as const);
    return envFrom ? ('unknown' as const) : undefined;
  };
  asArray(container.container.env).forEach((item, index) => {
    const entry = asRecord(item);
    if (!entry || typeof entry.name !== 'string') return;
    const path = [...container.path, 'env', index];
    const raw = entry.value;
    if (entry.valueFrom !== undefined && entry.valueFrom !== null) {
      env.set(entry.name, { known: false, path, index });
    } else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' || raw === undefined || raw === null) {
      const expanded = expandReferences(raw === undefined || raw === null ? '' : String(raw), lookup);
      env.set(entry.name, expanded.unknownFrom === undefined ? { known: true, value: expanded.text, path: [...path, 'value'], index } : { known: false, path: [...path, 'value'], index });
    }
  });
  return { env, envFrom };
}

/** One effective setting of a flag. */
export interface FlagSetting {
  name: string;
  /** undefined when the value cannot be known */
  value: string | undefined;
  /** The argument naming the flag, or the env entry. */
  path: Path;
  /** The argument or env value holding the value. */
  valuePath: Path;
  source: 'argument' | 'environment';
  /** The environment variable, for source 'environment'. */
  variable?: string;
  /** Given as a bare `--flag`. */
  bare: boolean;
  /** The stray argument after a bare boolean flag (`--profiling false`). */
  stray?: string;
}

export type FlagLookup = { state: 'absent' } | { state: 'unknown' } | { state: 'set'; setting: FlagSetting };

export interface Invocation {
  component: Component;
  container: ContainerView;
  /** Where a missing flag is reported: the args list when the container has one, else command. */
  listPath: Path;
  /** Set when the flags cannot tell the configuration (etcd --config-file). */
  opaque?: string;
  /** The effective setting: the last command-line occurrence, else (etcd) the environment variable. */
  flag(name: string): FlagLookup;
  /** Every command-line occurrence, in order (list flags accumulate them). */
  occurrences(name: string): FlagSetting[];
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function basename(text: string): string {
  return text.slice(text.lastIndexOf('/') + 1);
}

function isComponent(name: string): name is Component {
  return (COMPONENTS as readonly string[]).includes(name);
}

/** The environment variable etcd reads a flag from: ETCD_ + upper case, `-` as `_`. */
export function etcdVariable(flag: string): string {
  return `ETCD_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * The control-plane component a container runs, with its flags: the binary is
 * the first element of command (or of args when command is absent, the image's
 * entrypoint running it), or follows a /go-runner wrapper and its flags.
 */
export function readInvocation(container: ContainerView): Invocation | undefined {
  // Most containers run no control-plane binary: tell without allocating, and read the
  // others once per container view (every control-plane check asks for the same one).
  if (!mayRunComponent(container)) return undefined;
  let invocation = invocations.get(container);
  if (invocation === undefined) invocations.set(container, (invocation = parseInvocation(container) ?? null));
  return invocation ?? undefined;
}

/** Read-only once built: the control-plane checks share one per container view. */
const invocations = new WeakMap<ContainerView, Invocation | null>();

/** Whether the first element of command (or of args) names a component or a wrapper: the precondition of readInvocation. */
export function mayRunComponent(container: ContainerView): boolean {
  const command = container.container.command;
  const args = container.container.args;
  const first = scalar(Array.isArray(command) && command.length > 0 ? command[0] : Array.isArray(args) ? args[0] : undefined);
  if (first === undefined) return false;
  const firstName = basename(first);
  return isComponent(firstName) || Object.hasOwn(WRAPPERS, firstName);
}

function parseInvocation(container: ContainerView): Invocation | undefined {
  const command = asArray(container.container.command);
  const args = asArray(container.container.args);
  const elements: Array<{ value: unknown; path: Path }> = [
    ...command.map((value, index) => ({ value, path: [...container.path, 'command', index] })),
    ...args.map((value, index) => ({ value, path: [...container.path, 'args', index] })),
  ];
  const firstName = basename(scalar(elements[0]?.value)!);

  const { env, envFrom } = readEnvironment(container);
  const lookup = (name: string) => {
    const found = env.get(name);
    if (found) return found.known ? { value: found.value } : ('unknown' as const);
    return envFrom ? ('unknown' as const) : undefined;
  };
  const tokens: Token[] = elements.map(({ value }) => {
    const text = scalar(value);
    return text === undefined ? { text: '', unknownFrom: 0 } : expandReferences(text, lookup);
  });

  let binaryIndex = 0;
  const wrapper = Object.hasOwn(WRAPPERS, firstName) ? WRAPPERS[firstName] : undefined;
  if (wrapper) {
    const parsed = parseArgs(tokens.slice(1), wrapper);
    const next = parsed.positionals[0];
    if (next === undefined) return undefined;
    binaryIndex = next + 1;
  }
  const binary = tokens[binaryIndex];
  if (!binary || binary.unknownFrom !== undefined) return undefined;
  const component = basename(binary.text);
  if (!isComponent(component)) return undefined;

  const offset = binaryIndex + 1;
  const parsed = parseArgs(tokens.slice(offset), FLAG_SYNTAX[component]);
  const settings = new Map<string, FlagSetting[]>();
  for (const flag of parsed.flags) {
    const setting: FlagSetting = {
      name: flag.name,
      value: flag.value,
      path: elements[flag.index + offset]!.path,
      valuePath: elements[flag.valueIndex + offset]!.path,
      source: 'argument',
      bare: flag.bare,
    };
    if (flag.stray !== undefined) setting.stray = tokens[flag.stray + offset]!.text;
    const list = settings.get(flag.name);
    if (list) list.push(setting);
    else settings.set(flag.name, [setting]);
  }

  const flag = (name: string): FlagLookup => {
    const fromArgs = settings.get(name);
    if (fromArgs?.length) return { state: 'set', setting: fromArgs[fromArgs.length - 1]! };
    if (component !== 'etcd') return { state: 'absent' };
    const variable = etcdVariable(name);
    const fromEnv = env.get(variable);
    if (fromEnv === undefined) return envFrom ? { state: 'unknown' } : { state: 'absent' };
    if (fromEnv.known && fromEnv.value === '') return envFrom ? { state: 'unknown' } : { state: 'absent' }; // etcd ignores empty variables
    return {
      state: 'set',
      setting: { name, value: fromEnv.known ? fromEnv.value : undefined, path: [...container.path, 'env', fromEnv.index], valuePath: fromEnv.path, source: 'environment', variable, bare: false },
    };
  };

  const invocation: Invocation = {
    component,
    container,
    listPath: [...container.path, args.length > 0 ? 'args' : 'command'],
    flag,
    occurrences: (name) => settings.get(name) ?? [],
  };
  if (component === 'etcd') {
    const config = flag('config-file');
    if (config.state === 'unknown' || (config.state === 'set' && config.setting.value !== '')) {
      invocation.opaque = 'etcd reads its whole configuration from --config-file and ignores its other flags and variables';
    }
  }
  return invocation;
}

/** Whether a flag is given a value: true when set to a non-empty (or unknown) value, false when absent or empty, undefined when unknown. */
export function isConfigured(lookup: FlagLookup): boolean | undefined {
  if (lookup.state === 'unknown') return undefined;
  return lookup.state === 'set' && lookup.setting.value !== '';
}
