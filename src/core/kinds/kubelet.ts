import type { Path } from '../model/location.js';
import type { ObjectRef, Resource } from '../model/resource.js';
import { asRecord, getPath } from '../model/values.js';

/**
 * The kubelet's configuration file (/var/lib/kubelet/config.yaml, or the
 * KubeletConfiguration document of a kubeadm config) is a
 * kubelet.config.k8s.io/v1beta1 KubeletConfiguration: no metadata, and the
 * fields at the top level.
 */
export const KUBELET_CONFIGURATION_KIND = 'KubeletConfiguration';
export const KUBELET_CONFIG_GROUP = 'kubelet.config.k8s.io';
export const KUBELET_CONFIG_API_VERSION = `${KUBELET_CONFIG_GROUP}/v1beta1`;

/**
 * The kubelet's /configz endpoint (`kubectl get --raw
 * /api/v1/nodes/NODE/proxy/configz`) answers `{"kubeletconfig": {...}}`: the
 * configuration in effect, after defaulting and after command-line flags,
 * converted to v1beta1 without kind or apiVersion (cmd/kubelet/app/server.go,
 * setConfigz).
 */
export const CONFIGZ_KEY = 'kubeletconfig';

/** True for a parsed /configz answer: one `kubeletconfig` mapping, no kind, no apiVersion. */
export function isKubeletConfigz(object: Record<string, unknown>): boolean {
  if (object.kind !== undefined || object.apiVersion !== undefined) return false;
  const keys = Object.keys(object);
  return keys.length === 1 && keys[0] === CONFIGZ_KEY && asRecord(object[CONFIGZ_KEY]) !== undefined;
}

/** The identity a /configz answer is scanned under: a KubeletConfiguration with no name (the answer does not name its node). */
export function configzRef(): ObjectRef {
  return { apiVersion: KUBELET_CONFIG_API_VERSION, kind: KUBELET_CONFIGURATION_KIND, name: '' };
}

/** What the kubelet configuration checks apply to: config files and saved /configz answers. */
export const KUBELET_CONFIG_KINDS: readonly string[] = [KUBELET_CONFIGURATION_KIND];

/**
 * The KubeletConfiguration v1beta1 defaults the checks rely on, as
 * SetDefaults_KubeletConfiguration applies them when the kubelet loads its
 * config file (pkg/kubelet/apis/config/v1beta1/defaults.go; field docs in
 * staging/src/k8s.io/kubelet/config/v1beta1/types.go; verified on the
 * kubernetes/kubernetes master of 2025). They are NOT the kubelet's flag
 * defaults: a kubelet run without a config file starts from applyLegacyDefaults
 * (cmd/kubelet/app/options/options.go): anonymous auth on, webhook
 * authentication off, authorization AlwaysAllow, read-only port 10255.
 */
export const KUBELET_DEFAULTS = {
  /** authentication.anonymous.enabled: nil -> false */
  anonymousAuth: false,
  /** authentication.webhook.enabled: nil -> true */
  webhookAuthentication: true,
  /** authorization.mode: "" -> Webhook */
  authorizationMode: 'Webhook',
  /** readOnlyPort: not defaulted, the zero value 0 disables it ("Default: 0 (disabled)") */
  readOnlyPort: 0,
  /** streamingConnectionIdleTimeout: zero (absent or 0s) -> 4h, so an explicit 0 in a file never disables it */
  streamingConnectionIdleTimeout: '4h',
  /** makeIPTablesUtilChains: nil -> true */
  makeIPTablesUtilChains: true,
  /** rotateCertificates: plain bool, false */
  rotateCertificates: false,
  /** serverTLSBootstrap: plain bool, false */
  serverTLSBootstrap: false,
  /** protectKernelDefaults: plain bool, false */
  protectKernelDefaults: false,
  /** seccompDefault: nil -> false */
  seccompDefault: false,
  /** eventRecordQPS: nil -> 50; an explicit 0 stays 0 and means no limit */
  eventRecordQPS: 50,
  /** podPidsLimit: nil or negative -> -1, no per-pod limit */
  podPidsLimit: -1,
  /** featureGates.RotateKubeletServerCertificate: beta, on by default since 1.12 (pkg/features/kube_features.go) */
  rotateKubeletServerCertificateGate: true,
} as const;

/** A kubelet configuration with where it sits in the scanned object. */
export interface KubeletConfigView {
  config: Record<string, unknown>;
  /** Path of the configuration in the object: [] for a config file, ['kubeletconfig'] for a /configz answer. */
  base: Path;
  /**
   * True for a /configz answer: the values in effect, defaults and command-line
   * flags applied (fields equal to their zero value are omitted).
   */
  effective: boolean;
}

/** The kubelet configuration of a scanned object, or undefined when it is none. */
export function kubeletConfigOf(resource: Resource): KubeletConfigView | undefined {
  if (resource.ref.kind !== KUBELET_CONFIGURATION_KIND) return undefined;
  if (isKubeletConfigz(resource.object)) {
    const config = asRecord(resource.object[CONFIGZ_KEY]);
    return config ? { config, base: [CONFIGZ_KEY], effective: true } : undefined;
  }
  if (!resource.ref.apiVersion.startsWith(`${KUBELET_CONFIG_GROUP}/`)) return undefined;
  return { config: resource.object, base: [], effective: false };
}

/** A field's value with its path in the object; `explicit` is false when the field is absent (or null) and the default applies. */
export interface KubeletSetting<T> {
  value: T;
  path: Path;
  explicit: boolean;
}

function read(view: KubeletConfigView, path: readonly string[]): { raw: unknown; path: Path } {
  return { raw: getPath(view.config, path), path: [...view.base, ...path] };
}

/** A boolean field, defaulted; undefined when it holds something else (the kubelet would refuse to start). */
export function booleanSetting(view: KubeletConfigView, path: readonly string[], fallback: boolean): KubeletSetting<boolean> | undefined {
  const { raw, path: full } = read(view, path);
  if (raw === undefined || raw === null) return { value: fallback, path: full, explicit: false };
  return typeof raw === 'boolean' ? { value: raw, path: full, explicit: true } : undefined;
}

/** A number field, defaulted; undefined when it holds something else. */
export function numberSetting(view: KubeletConfigView, path: readonly string[], fallback: number): KubeletSetting<number> | undefined {
  const { raw, path: full } = read(view, path);
  if (raw === undefined || raw === null) return { value: fallback, path: full, explicit: false };
  return typeof raw === 'number' && Number.isFinite(raw) ? { value: raw, path: full, explicit: true } : undefined;
}

/** A string field; an empty string counts as absent (the API's zero value). */
export function stringSetting(view: KubeletConfigView, path: readonly string[]): KubeletSetting<string | undefined> {
  const { raw, path: full } = read(view, path);
  if (typeof raw === 'string' && raw.trim() !== '') return { value: raw.trim(), path: full, explicit: true };
  return { value: undefined, path: full, explicit: raw !== undefined && raw !== null };
}

/** The path of a field in the object, for fields read directly. */
export function settingPath(view: KubeletConfigView, path: readonly (string | number)[]): Path {
  return [...view.base, ...path];
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Seconds in a Go duration string ("4h0m0s", "90s", "1.5h", "0"), as
 * metav1.Duration parses it; undefined when it is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  const input = text.trim();
  if (input === '0' || input === '+0' || input === '-0') return 0;
  const match = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(input);
  if (!match) return undefined;
  let total = 0;
  for (const part of match[2]!.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * DURATION_UNITS[part[2]!]!;
  return match[1] === '-' ? -total : total;
}
