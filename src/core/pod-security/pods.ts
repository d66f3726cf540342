/**
 * Pod security semantics: which pods are Windows pods, user namespaces,
 * capability names and sets as the container runtimes and Pod Security
 * Admission read them, and the Pod Security Admission namespace labels.
 */
import type { ContainerView, Workload } from '../kinds/pod-spec.js';
import type { Path } from '../model/location.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';

/** The namespace labels Pod Security Admission reads: the level it enforces, warns about and audits. */
export const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
export const POD_SECURITY_WARN = 'pod-security.kubernetes.io/warn';
export const POD_SECURITY_AUDIT = 'pod-security.kubernetes.io/audit';

/**
 * `spec.os.name: windows`. This is the only signal Pod Security Admission reads
 * when it exempts Windows pods from the restricted controls Privilege
 * Escalation, Seccomp and Capabilities (v1.25+).
 */
export function declaresWindows(workload: Workload): boolean {
  return asString(asRecord(workload.podSpec.os)?.name) === 'windows';
}

/**
 * A pod that runs Windows containers: `spec.os.name: windows`, or a nodeSelector
 * that only matches Windows nodes. Linux-only settings (capabilities,
 * readOnlyRootFilesystem, user namespaces) mean nothing there.
 */
export function targetsWindows(workload: Workload): boolean {
  if (declaresWindows(workload)) return true;
  const selector = asStringRecord(workload.podSpec.nodeSelector);
  return selector['kubernetes.io/os'] === 'windows' || selector['beta.kubernetes.io/os'] === 'windows';
}

/** `spec.hostUsers: false`: the pod runs in its own user namespace, its root is not the node's root. */
export function usesUserNamespace(workload: Workload): boolean {
  return workload.podSpec.hostUsers === false;
}

// ---------------------------------------------------------------------------
// Capabilities

/**
 * The capability an `add` entry grants, as the runtimes read it: upper-cased,
 * with or without the `CAP_` prefix (`cap_sys_admin`, `CAP_SYS_ADMIN` and
 * `SYS_ADMIN` are one capability to CRI-O and Docker; containerd prefixes
 * every name with `CAP_` itself, so it does not grant `CAP_SYS_ADMIN`, but a
 * scanner cannot know the runtime and assumes the grant). Pod Security
 * Admission, by contrast, compares the raw strings exactly: checks that
 * implement a PSS control must use `raw`.
 */
export function normalizeCapability(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') && upper !== 'CAP_ALL' ? upper.slice(4) : upper;
}

/** `ALL` in add or drop: both runtimes compare it case-insensitively, never with a CAP_ prefix. */
export function isAllCapabilities(raw: string): boolean {
  return raw.toUpperCase() === 'ALL';
}

export interface CapabilityEntry {
  /** the string as written */
  raw: string;
  /** normalized: upper case, no CAP_ prefix */
  name: string;
  path: Path;
}

/** The entries of securityContext.capabilities.add or .drop, with their paths. */
export function capabilityEntries(container: ContainerView, list: 'add' | 'drop'): CapabilityEntry[] {
  const capabilities = asRecord(container.securityContext.capabilities);
  const out: CapabilityEntry[] = [];
  asArray(capabilities?.[list]).forEach((item, index) => {
    if (item === null || item === undefined) return;
    const raw = String(item);
    out.push({ raw, name: normalizeCapability(raw), path: [...container.securityContextPath, 'capabilities', list, index] });
  });
  return out;
}

export function capabilitiesPath(container: ContainerView): Path {
  return [...container.securityContextPath, 'capabilities'];
}

/**
 * The capabilities containerd grants when a container neither adds nor drops
 * any (its default set, the same as Docker's). CRI-O's default set is smaller
 * (no NET_RAW, MKNOD, AUDIT_WRITE, SYS_CHROOT); the larger one is assumed.
 */
export const RUNTIME_DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/**
 * Whether a drop entry removes `capability` (normalized) on every runtime: the
 * name without the CAP_ prefix, in any case. containerd turns `CAP_NET_RAW`
 * into `CAP_CAP_NET_RAW`, so a prefixed drop is not relied on.
 */
export function dropsReliably(raw: string, capability: string): boolean {
  return raw.toUpperCase() === capability;
}

/**
 * Whether the container may end up holding `capability` (normalized), applying
 * add and drop the way containerd and CRI-O do: start from the default set;
 * `add: [ALL]` grants every capability; `drop: [ALL]` then clears the set (it
 * wins over `add: [ALL]`); individual adds are applied next and individual
 * drops last. A privileged container holds every capability whatever it drops.
 * Where runtimes differ it answers yes (an add is assumed to work, a prefixed
 * drop is not).
 */
export function holdsCapability(container: ContainerView, capability: string): boolean {
  if (container.securityContext.privileged === true) return true;
  const add = capabilityEntries(container, 'add');
  const drop = capabilityEntries(container, 'drop');
  if (drop.some((entry) => dropsReliably(entry.raw, capability))) return false;
  if (add.some((entry) => entry.name === capability)) return true;
  if (drop.some((entry) => isAllCapabilities(entry.raw))) return false;
  return add.some((entry) => isAllCapabilities(entry.raw)) || RUNTIME_DEFAULT_CAPABILITIES.has(capability);
}

/**
 * The capabilities Pod Security baseline lets a container add: the runtime
 * default set without NET_RAW. Pod Security compares names exactly, upper case
 * and without the CAP_ prefix.
 */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
