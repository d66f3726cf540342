import type { AnyCheck } from '../model/check.js';
import allowPrivilegeEscalation from './allow-privilege-escalation.js';
import apparmorUnconfined from './apparmor-unconfined.js';
import capabilitiesAdded from './capabilities-added.js';
import capabilitiesAllNotDropped from './capabilities-all-not-dropped.js';
import capabilitiesBeyondBaseline from './capabilities-beyond-baseline.js';
import dangerousCapabilities from './dangerous-capabilities.js';
import hostNetwork from './host-network.js';
import netRawNotDropped from './net-raw-not-dropped.js';
import privilegedContainer from './privileged-container.js';
import runAsRoot from './run-as-root.js';
import runAsRootGroup from './run-as-root-group.js';
import runAsUidZero from './run-as-uid-zero.js';
import sandboxedRuntimeMissing from './sandboxed-runtime-missing.js';
import seccompProfileMissing from './seccomp-profile-missing.js';
import seccompUnconfined from './seccomp-unconfined.js';
import selinuxCustomOptions from './selinux-custom-options.js';
import unmaskedProcMount from './unmasked-proc-mount.js';
import unsafeSysctls from './unsafe-sysctls.js';
import userNamespaceDisabled from './user-namespace-disabled.js';
import windowsHostProcess from './windows-host-process.js';
import writableRootFilesystem from './writable-root-filesystem.js';

/** Every check, sorted by id. Presets and docs derive from this list. */
export const ALL_CHECKS: readonly AnyCheck[] = [
  allowPrivilegeEscalation,
  apparmorUnconfined,
  capabilitiesAdded,
  capabilitiesAllNotDropped,
  capabilitiesBeyondBaseline,
  dangerousCapabilities,
  hostNetwork,
  netRawNotDropped,
  privilegedContainer,
  runAsRoot,
  runAsRootGroup,
  runAsUidZero,
  sandboxedRuntimeMissing,
  seccompProfileMissing,
  seccompUnconfined,
  selinuxCustomOptions,
  unmaskedProcMount,
  unsafeSysctls,
  userNamespaceDisabled,
  windowsHostProcess,
  writableRootFilesystem,
];
