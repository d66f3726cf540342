import { parseGoInt, splitList, type FlagSetting, type Invocation } from './flags.js';

/**
 * What the control-plane flags mean, beyond their parse: which admission
 * plugins and authorizers end up enabled, where a component listens, which
 * TLS cipher suites are strong. Semantics from the Kubernetes v1.32 sources.
 */

/**
 * The admission plugins kube-apiserver enables when no flag says otherwise
 * (pkg/kubeapiserver/options/plugins.go, DefaultOffAdmissionPlugins' complement).
 */
export const DEFAULT_ON_ADMISSION_PLUGINS: ReadonlySet<string> = new Set([
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'TaintNodesByCondition',
  'PodSecurity',
  'Priority',
  'DefaultTolerationSeconds',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
]);

export interface PluginState {
  enabled: boolean;
  /** The occurrence that decides: it lists the plugin (enable, disable) or is the deprecated full list; absent for the default. */
  decidedBy?: FlagSetting;
  /** Which flag decides. */
  by: 'default' | 'admission-control' | 'enable-admission-plugins' | 'disable-admission-plugins';
}

/**
 * Whether kube-apiserver runs an admission plugin. The deprecated
 * --admission-control lists every enabled plugin (the rest are off) and
 * excludes the other two flags. Otherwise a plugin is on when
 * --enable-admission-plugins lists it, or it is on by default and
 * --disable-admission-plugins does not list it (enable wins, as in
 * enabledPluginNames; listing one plugin in both is a start-up error).
 * undefined when a value is unknown.
 */
export function admissionPlugin(invocation: Invocation, plugin: string): PluginState | undefined {
  const lists = (flag: string) => invocation.occurrences(flag);
  const holding = (settings: FlagSetting[]) => settings.find((setting) => setting.value !== undefined && splitList(setting.value).includes(plugin));
  const full = lists('admission-control');
  const enable = lists('enable-admission-plugins');
  const disable = lists('disable-admission-plugins');
  if ([...full, ...enable, ...disable].some((setting) => setting.value === undefined)) return undefined;
  if (full.length > 0) {
    const found = holding(full);
    return found ? { enabled: true, decidedBy: found, by: 'admission-control' } : { enabled: false, decidedBy: full[full.length - 1]!, by: 'admission-control' };
  }
  const enabledBy = holding(enable);
  if (enabledBy) return { enabled: true, decidedBy: enabledBy, by: 'enable-admission-plugins' };
  const disabledBy = holding(disable);
  if (disabledBy) return { enabled: false, decidedBy: disabledBy, by: 'disable-admission-plugins' };
  return { enabled: DEFAULT_ON_ADMISSION_PLUGINS.has(plugin), by: 'default' };
}

export interface AuthorizationModes {
  modes: string[];
  /** Every --authorization-mode occurrence; empty when the default applies. */
  settings: FlagSetting[];
}

/**
 * kube-apiserver's authorizer chain from --authorization-mode (a list flag:
 * repeated occurrences append), AlwaysAllow by default. undefined when it
 * cannot be known: a value is unknown, or --authorization-config (structured
 * authorization, exclusive with --authorization-mode) configures it in a file.
 */
export function authorizationModes(invocation: Invocation): AuthorizationModes | undefined {
  const settings = invocation.occurrences('authorization-mode');
  if (settings.some((setting) => setting.value === undefined)) return undefined;
  if (settings.length === 0) {
    const config = invocation.flag('authorization-config');
    if (config.state === 'unknown' || (config.state === 'set' && config.setting.value !== '')) return undefined;
    return { modes: ['AlwaysAllow'], settings };
  }
  return { modes: settings.flatMap((setting) => splitList(setting.value!)), settings };
}

/** Go's net.ParseIP, reduced to what matters here: undefined when unparseable, else whether it is loopback or unspecified. */
export function classifyIp(text: string): 'loopback' | 'unspecified' | 'other' | undefined {
  const v4 = (value: string): number[] | undefined => {
    const parts = value.split('.');
    if (parts.length !== 4) return undefined;
    const octets: number[] = [];
    for (const part of parts) {
      // Go 1.17+ rejects leading zeros.
      if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
      octets.push(Number(part));
    }
    return octets;
  };
  const ipv4 = v4(text);
  if (ipv4) return ipv4[0] === 127 ? 'loopback' : ipv4.every((octet) => octet === 0) ? 'unspecified' : 'other';
  if (!text.includes(':') || text.includes('%')) return undefined;
  // IPv6: expand "::", allow a trailing dotted IPv4 part.
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const embedded = v4(last);
    if (!embedded) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
    tail = embedded;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...left, ...right].some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  const fill = 8 - left.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const words = [...left, ...Array<string>(fill).fill('0'), ...right].map((group) => parseInt(group, 16));
  if (tail.length) {
    words[6] = tail[0]! * 256 + tail[1]!;
    words[7] = tail[2]! * 256 + tail[3]!;
  }
  // IPv4-mapped (::ffff:a.b.c.d) is the IPv4 address for Go.
  if (words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff) {
    const first = words[6]! >> 8;
    return first === 127 ? 'loopback' : words[6] === 0 && words[7] === 0 ? 'unspecified' : 'other';
  }
  if (words.slice(0, 7).every((word) => word === 0)) return words[7] === 1 ? 'loopback' : words[7] === 0 ? 'unspecified' : 'other';
  return 'other';
}

/**
 * kube-controller-manager and kube-scheduler serve HTTPS (health, metrics,
 * profiling) on --secure-port (10257, 10259), on every interface unless
 * --bind-address is a loopback address (default 0.0.0.0). --secure-port=0
 * turns serving off.
 */
export function servingDisabled(invocation: Invocation): boolean {
  const port = invocation.flag('secure-port');
  return port.state === 'set' && port.setting.value !== undefined && parseGoInt(port.setting.value) === 0;
}

/**
 * Strong TLS cipher suites: the list kube-apiserver v1.32 itself calls
 * "preferred", which is the CIS Kubernetes Benchmark's list from v1.10 on. The
 * v1.9 list also has the 3DES and static-RSA suites that Go and Kubernetes
 * class as insecure.
 */
export const STRONG_CIPHER_SUITES: readonly string[] = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

/** The configured suites outside `strong`, each with the occurrence listing it. */
export function weakCipherSuites(invocation: Invocation, strong: readonly string[]): Array<{ suite: string; setting: FlagSetting }> | undefined {
  const settings = invocation.occurrences('tls-cipher-suites');
  if (settings.some((setting) => setting.value === undefined)) return undefined;
  const allowed = new Set(strong);
  return settings.flatMap((setting) => splitList(setting.value!).filter((suite) => suite !== '' && !allowed.has(suite)).map((suite) => ({ suite, setting })));
}
