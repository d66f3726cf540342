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
import rbacBindEscalate from './rbac-bind-escalate.js';
import rbacBindingMissingRole from './rbac-binding-missing-role.js';
import rbacBindingToAnonymous from './rbac-binding-to-anonymous.js';
import rbacBindingToAuthenticated from './rbac-binding-to-authenticated.js';
import rbacClusterAdminBinding from './rbac-cluster-admin-binding.js';
import rbacClusterAdminEquivalent from './rbac-cluster-admin-equivalent.js';
import rbacCreatePersistentVolumes from './rbac-create-persistent-volumes.js';
import rbacCreatePods from './rbac-create-pods.js';
import rbacCsrApproval from './rbac-csr-approval.js';
import rbacImpersonate from './rbac-impersonate.js';
import rbacNamespaceLabelEdit from './rbac-namespace-label-edit.js';
import rbacNodesProxy from './rbac-nodes-proxy.js';
import rbacPodExec from './rbac-pod-exec.js';
import rbacReadSecrets from './rbac-read-secrets.js';
import rbacServiceAccountTokenCreate from './rbac-service-account-token-create.js';
import rbacServicesStatus from './rbac-services-status.js';
import rbacSystemMasters from './rbac-system-masters.js';
import rbacWebhookConfigEdit from './rbac-webhook-config-edit.js';
import rbacWildcardApiGroups from './rbac-wildcard-api-groups.js';
import rbacWildcardResources from './rbac-wildcard-resources.js';
import rbacWildcardVerbs from './rbac-wildcard-verbs.js';
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
  rbacBindEscalate,
  rbacBindingMissingRole,
  rbacBindingToAnonymous,
  rbacBindingToAuthenticated,
  rbacClusterAdminBinding,
  rbacClusterAdminEquivalent,
  rbacCreatePersistentVolumes,
  rbacCreatePods,
  rbacCsrApproval,
  rbacImpersonate,
  rbacNamespaceLabelEdit,
  rbacNodesProxy,
  rbacPodExec,
  rbacReadSecrets,
  rbacServiceAccountTokenCreate,
  rbacServicesStatus,
  rbacSystemMasters,
  rbacWebhookConfigEdit,
  rbacWildcardApiGroups,
  rbacWildcardResources,
  rbacWildcardVerbs,
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
