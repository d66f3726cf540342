import type { AnyCheck } from '../model/check.js';
import allowPrivilegeEscalation from './allow-privilege-escalation.js';
import apiserverAdmissionAlwaysAdmit from './apiserver-admission-always-admit.js';
import apiserverAdmissionAlwaysPullImagesMissing from './apiserver-admission-always-pull-images-missing.js';
import apiserverAdmissionDenyServiceExternalIpsMissing from './apiserver-admission-deny-service-external-ips-missing.js';
import apiserverAdmissionEventRateLimitMissing from './apiserver-admission-event-rate-limit-missing.js';
import apiserverAdmissionNamespaceLifecycleDisabled from './apiserver-admission-namespace-lifecycle-disabled.js';
import apiserverAdmissionNodeRestrictionMissing from './apiserver-admission-node-restriction-missing.js';
import apiserverAdmissionServiceAccountDisabled from './apiserver-admission-service-account-disabled.js';
import apiserverAnonymousAuthEnabled from './apiserver-anonymous-auth-enabled.js';
import apiserverAuditLogDisabled from './apiserver-audit-log-disabled.js';
import apiserverAuditLogRetentionShort from './apiserver-audit-log-retention-short.js';
import apiserverAuditPolicyMissing from './apiserver-audit-policy-missing.js';
import apiserverAuthorizationAlwaysAllow from './apiserver-authorization-always-allow.js';
import apiserverAuthorizationNodeMissing from './apiserver-authorization-node-missing.js';
import apiserverAuthorizationRbacMissing from './apiserver-authorization-rbac-missing.js';
import apiserverClientCaMissing from './apiserver-client-ca-missing.js';
import apiserverEncryptionAtRestMissing from './apiserver-encryption-at-rest-missing.js';
import apiserverEtcdCaMissing from './apiserver-etcd-ca-missing.js';
import apiserverEtcdClientCertMissing from './apiserver-etcd-client-cert-missing.js';
import apiserverKubeletCaMissing from './apiserver-kubelet-ca-missing.js';
import apiserverKubeletClientCertMissing from './apiserver-kubelet-client-cert-missing.js';
import apiserverProfilingEnabled from './apiserver-profiling-enabled.js';
import apiserverServiceAccountKeyFileMissing from './apiserver-service-account-key-file-missing.js';
import apiserverServiceAccountLookupDisabled from './apiserver-service-account-lookup-disabled.js';
import apiserverTlsCertMissing from './apiserver-tls-cert-missing.js';
import apiserverTokenAuthFile from './apiserver-token-auth-file.js';
import apiserverWeakTlsCipherSuites from './apiserver-weak-tls-cipher-suites.js';
import apparmorUnconfined from './apparmor-unconfined.js';
import barePod from './bare-pod.js';
import capabilitiesAdded from './capabilities-added.js';
import capabilitiesAllNotDropped from './capabilities-all-not-dropped.js';
import capabilitiesBeyondBaseline from './capabilities-beyond-baseline.js';
import configmapCredential from './configmap-credential.js';
import containerRuntimeSocket from './container-runtime-socket.js';
import controllerManagerBindAddressNotLoopback from './controller-manager-bind-address-not-loopback.js';
import controllerManagerProfilingEnabled from './controller-manager-profiling-enabled.js';
import controllerManagerRootCaMissing from './controller-manager-root-ca-missing.js';
import controllerManagerServiceAccountCredentialsDisabled from './controller-manager-service-account-credentials-disabled.js';
import controllerManagerServiceAccountKeyMissing from './controller-manager-service-account-key-missing.js';
import cpuLimitsMissing from './cpu-limits-missing.js';
import cpuRequestsMissing from './cpu-requests-missing.js';
import credentialsInCommand from './credentials-in-command.js';
import credentialsInLastApplied from './credentials-in-last-applied.js';
import dangerousCapabilities from './dangerous-capabilities.js';
import defaultNamespace from './default-namespace.js';
import defaultServiceAccount from './default-service-account.js';
import defaultServiceAccountAutomount from './default-service-account-automount.js';
import defaultServiceAccountBound from './default-service-account-bound.js';
import deprecatedServiceAccountField from './deprecated-service-account-field.js';
import envLiteralCredential from './env-literal-credential.js';
import etcdAutoTlsEnabled from './etcd-auto-tls-enabled.js';
import etcdBackupMissing from './etcd-backup-missing.js';
import etcdClientCertAuthDisabled from './etcd-client-cert-auth-disabled.js';
import etcdClientTlsMissing from './etcd-client-tls-missing.js';
import etcdPeerAutoTlsEnabled from './etcd-peer-auto-tls-enabled.js';
import etcdPeerClientCertAuthDisabled from './etcd-peer-client-cert-auth-disabled.js';
import etcdPeerTlsMissing from './etcd-peer-tls-missing.js';
import etcdTrustedCaMissing from './etcd-trusted-ca-missing.js';
import helmTiller from './helm-tiller.js';
import hostIpc from './host-ipc.js';
import hostNetwork from './host-network.js';
import hostPathSensitive from './host-path-sensitive.js';
import hostPathVolume from './host-path-volume.js';
import hostPathWritable from './host-path-writable.js';
import hostPid from './host-pid.js';
import hostPort from './host-port.js';
import imageDeprecatedRegistry from './image-deprecated-registry.js';
import imageLatestTag from './image-latest-tag.js';
import imageNotPinnedByDigest from './image-not-pinned-by-digest.js';
import imageNotScanned from './image-not-scanned.js';
import imageOsEndOfLife from './image-os-end-of-life.js';
import imagePullPolicy from './image-pull-policy.js';
import imageRegistryNotAllowed from './image-registry-not-allowed.js';
import imageSignatureUnverified from './image-signature-unverified.js';
import imageTooOld from './image-too-old.js';
import imageVulnerabilitiesFixable from './image-vulnerabilities-fixable.js';
import ingressNginxSnippetAnnotations from './ingress-nginx-snippet-annotations.js';
import ingressWildcardHost from './ingress-wildcard-host.js';
import ingressWithoutTls from './ingress-without-tls.js';
import istioDestinationRuleTlsDisabled from './istio-destination-rule-tls-disabled.js';
import istioMtlsNotStrict from './istio-mtls-not-strict.js';
import kubeletAnonymousAuthEnabled from './kubelet-anonymous-auth-enabled.js';
import kubeletAuthorizationAlwaysAllow from './kubelet-authorization-always-allow.js';
import kubeletClientCaMissing from './kubelet-client-ca-missing.js';
import kubeletClientCertRotationDisabled from './kubelet-client-cert-rotation-disabled.js';
import kubeletEventQpsUnlimited from './kubelet-event-qps-unlimited.js';
import kubeletIptablesUtilChainsDisabled from './kubelet-iptables-util-chains-disabled.js';
import kubeletKernelDefaultsNotProtected from './kubelet-kernel-defaults-not-protected.js';
import kubeletPodPidsLimitMissing from './kubelet-pod-pids-limit-missing.js';
import kubeletReadOnlyPortEnabled from './kubelet-read-only-port-enabled.js';
import kubeletSeccompDefaultDisabled from './kubelet-seccomp-default-disabled.js';
import kubeletServingCertRotationDisabled from './kubelet-serving-cert-rotation-disabled.js';
import kubeletServingCertSelfSigned from './kubelet-serving-cert-self-signed.js';
import kubeletStreamingTimeoutDisabled from './kubelet-streaming-timeout-disabled.js';
import kubeletWeakTlsCiphers from './kubelet-weak-tls-ciphers.js';
import kubernetesDashboardDeployed from './kubernetes-dashboard-deployed.js';
import kubernetesPatchOutdated from './kubernetes-patch-outdated.js';
import kubernetesVersionUnsupported from './kubernetes-version-unsupported.js';
import legacyServiceAccountTokenSecret from './legacy-service-account-token-secret.js';
import linkerdSkipInboundPorts from './linkerd-skip-inbound-ports.js';
import linkerdUnauthenticatedAccess from './linkerd-unauthenticated-access.js';
import livenessProbeMissing from './liveness-probe-missing.js';
import memoryLimitsMissing from './memory-limits-missing.js';
import memoryRequestsMissing from './memory-requests-missing.js';
import meshInjectionDisabled from './mesh-injection-disabled.js';
import namespacePodSecurityPrivileged from './namespace-pod-security-privileged.js';
import namespaceWithoutDefaultDenyEgress from './namespace-without-default-deny-egress.js';
import namespaceWithoutDefaultDenyIngress from './namespace-without-default-deny-ingress.js';
import namespaceWithoutLimitRange from './namespace-without-limit-range.js';
import namespaceWithoutPodSecurityLabels from './namespace-without-pod-security-labels.js';
import namespaceWithoutResourceQuota from './namespace-without-resource-quota.js';
import netRawNotDropped from './net-raw-not-dropped.js';
import networkPolicyAllowsMetadataEgress from './network-policy-allows-metadata-egress.js';
import networkPolicyPeerSelectsNothing from './network-policy-peer-selects-nothing.js';
import networkPolicyRuleAllowsAll from './network-policy-rule-allows-all.js';
import networkPolicySelectsNoPods from './network-policy-selects-no-pods.js';
import noNetworkPolicies from './no-network-policies.js';
import ownerLabelMissing from './owner-label-missing.js';
import podDisruptionBudgetBlocksEviction from './pod-disruption-budget-blocks-eviction.js';
import podNotSelectedByNetworkPolicy from './pod-not-selected-by-network-policy.js';
import portRangeWide from './port-range-wide.js';
import powerfulServiceAccountExposed from './powerful-service-account-exposed.js';
import privilegedContainer from './privileged-container.js';
import privilegedPort from './privileged-port.js';
import rbacBindEscalate from './rbac-bind-escalate.js';
import rbacBindingMissingRole from './rbac-binding-missing-role.js';
import rbacBindingToAnonymous from './rbac-binding-to-anonymous.js';
import rbacBindingToAuthenticated from './rbac-binding-to-authenticated.js';
import rbacClusterAdminBinding from './rbac-cluster-admin-binding.js';
import rbacClusterAdminEquivalent from './rbac-cluster-admin-equivalent.js';
import rbacCreatePersistentVolumes from './rbac-create-persistent-volumes.js';
import rbacCreatePods from './rbac-create-pods.js';
import rbacCsrApproval from './rbac-csr-approval.js';
import rbacEscalationPath from './rbac-escalation-path.js';
import rbacImpersonate from './rbac-impersonate.js';
import rbacNamespaceLabelEdit from './rbac-namespace-label-edit.js';
import rbacNodeTaintPodDelete from './rbac-node-taint-pod-delete.js';
import rbacNodesProxy from './rbac-nodes-proxy.js';
import rbacPodExec from './rbac-pod-exec.js';
import rbacReadSecrets from './rbac-read-secrets.js';
import rbacRoleUnused from './rbac-role-unused.js';
import rbacSecretWrite from './rbac-secret-write.js';
import rbacServiceAccountTokenCreate from './rbac-service-account-token-create.js';
import rbacServicesStatus from './rbac-services-status.js';
import rbacSystemMasters from './rbac-system-masters.js';
import rbacWebhookConfigEdit from './rbac-webhook-config-edit.js';
import rbacWildcardApiGroups from './rbac-wildcard-api-groups.js';
import rbacWildcardResources from './rbac-wildcard-resources.js';
import rbacWildcardVerbs from './rbac-wildcard-verbs.js';
import readinessProbeMissing from './readiness-probe-missing.js';
import recommendedLabelsMissing from './recommended-labels-missing.js';
import removedApiVersion from './removed-api-version.js';
import runAsRoot from './run-as-root.js';
import runAsRootGroup from './run-as-root-group.js';
import runAsUidZero from './run-as-uid-zero.js';
import sandboxedRuntimeMissing from './sandboxed-runtime-missing.js';
import schedulerBindAddressNotLoopback from './scheduler-bind-address-not-loopback.js';
import schedulerProfilingEnabled from './scheduler-profiling-enabled.js';
import seccompProfileMissing from './seccomp-profile-missing.js';
import seccompUnconfined from './seccomp-unconfined.js';
import secretDataInLastApplied from './secret-data-in-last-applied.js';
import secretDataInManifest from './secret-data-in-manifest.js';
import secretInEnv from './secret-in-env.js';
import secretVolumeUnmounted from './secret-volume-unmounted.js';
import selectorMismatch from './selector-mismatch.js';
import selinuxCustomOptions from './selinux-custom-options.js';
import sensitiveUiExposed from './sensitive-ui-exposed.js';
import sensitiveWorkloadOpenToAllNamespaces from './sensitive-workload-open-to-all-namespaces.js';
import serviceAccountMissing from './service-account-missing.js';
import serviceAccountShared from './service-account-shared.js';
import serviceAccountTokenAutomount from './service-account-token-automount.js';
import serviceAccountTokenProjectedDespiteOptOut from './service-account-token-projected-despite-opt-out.js';
import serviceAccountUnused from './service-account-unused.js';
import serviceExternalIps from './service-external-ips.js';
import serviceLoadBalancer from './service-load-balancer.js';
import serviceNodePort from './service-node-port.js';
import serviceSelectsNoPods from './service-selects-no-pods.js';
import shareProcessNamespace from './share-process-namespace.js';
import sshPort from './ssh-port.js';
import unmaskedProcMount from './unmasked-proc-mount.js';
import unsafeSysctls from './unsafe-sysctls.js';
import userNamespaceDisabled from './user-namespace-disabled.js';
import veleroScheduleExcludesSecrets from './velero-schedule-excludes-secrets.js';
import veleroScheduleTtlMissing from './velero-schedule-ttl-missing.js';
import volumeTypesRestricted from './volume-types-restricted.js';
import windowsHostProcess from './windows-host-process.js';
import workloadInKubeSystem from './workload-in-kube-system.js';
import workloadPowerfulServiceAccount from './workload-powerful-service-account.js';
import workloadReadsUnreferencedSecrets from './workload-reads-unreferenced-secrets.js';
import writableRootFilesystem from './writable-root-filesystem.js';

/** Every check, sorted by id. Presets and docs derive from this list. */
export const ALL_CHECKS: readonly AnyCheck[] = [
  allowPrivilegeEscalation,
  apiserverAdmissionAlwaysAdmit,
  apiserverAdmissionAlwaysPullImagesMissing,
  apiserverAdmissionDenyServiceExternalIpsMissing,
  apiserverAdmissionEventRateLimitMissing,
  apiserverAdmissionNamespaceLifecycleDisabled,
  apiserverAdmissionNodeRestrictionMissing,
  apiserverAdmissionServiceAccountDisabled,
  apiserverAnonymousAuthEnabled,
  apiserverAuditLogDisabled,
  apiserverAuditLogRetentionShort,
  apiserverAuditPolicyMissing,
  apiserverAuthorizationAlwaysAllow,
  apiserverAuthorizationNodeMissing,
  apiserverAuthorizationRbacMissing,
  apiserverClientCaMissing,
  apiserverEncryptionAtRestMissing,
  apiserverEtcdCaMissing,
  apiserverEtcdClientCertMissing,
  apiserverKubeletCaMissing,
  apiserverKubeletClientCertMissing,
  apiserverProfilingEnabled,
  apiserverServiceAccountKeyFileMissing,
  apiserverServiceAccountLookupDisabled,
  apiserverTlsCertMissing,
  apiserverTokenAuthFile,
  apiserverWeakTlsCipherSuites,
  apparmorUnconfined,
  barePod,
  capabilitiesAdded,
  capabilitiesAllNotDropped,
  capabilitiesBeyondBaseline,
  configmapCredential,
  containerRuntimeSocket,
  controllerManagerBindAddressNotLoopback,
  controllerManagerProfilingEnabled,
  controllerManagerRootCaMissing,
  controllerManagerServiceAccountCredentialsDisabled,
  controllerManagerServiceAccountKeyMissing,
  cpuLimitsMissing,
  cpuRequestsMissing,
  credentialsInCommand,
  credentialsInLastApplied,
  dangerousCapabilities,
  defaultNamespace,
  defaultServiceAccount,
  defaultServiceAccountAutomount,
  defaultServiceAccountBound,
  deprecatedServiceAccountField,
  envLiteralCredential,
  etcdAutoTlsEnabled,
  etcdBackupMissing,
  etcdClientCertAuthDisabled,
  etcdClientTlsMissing,
  etcdPeerAutoTlsEnabled,
  etcdPeerClientCertAuthDisabled,
  etcdPeerTlsMissing,
  etcdTrustedCaMissing,
  helmTiller,
  hostIpc,
  hostNetwork,
  hostPathSensitive,
  hostPathVolume,
  hostPathWritable,
  hostPid,
  hostPort,
  imageDeprecatedRegistry,
  imageLatestTag,
  imageNotPinnedByDigest,
  imageNotScanned,
  imageOsEndOfLife,
  imagePullPolicy,
  imageRegistryNotAllowed,
  imageSignatureUnverified,
  imageTooOld,
  imageVulnerabilitiesFixable,
  ingressNginxSnippetAnnotations,
  ingressWildcardHost,
  ingressWithoutTls,
  istioDestinationRuleTlsDisabled,
  istioMtlsNotStrict,
  kubeletAnonymousAuthEnabled,
  kubeletAuthorizationAlwaysAllow,
  kubeletClientCaMissing,
  kubeletClientCertRotationDisabled,
  kubeletEventQpsUnlimited,
  kubeletIptablesUtilChainsDisabled,
  kubeletKernelDefaultsNotProtected,
  kubeletPodPidsLimitMissing,
  kubeletReadOnlyPortEnabled,
  kubeletSeccompDefaultDisabled,
  kubeletServingCertRotationDisabled,
  kubeletServingCertSelfSigned,
  kubeletStreamingTimeoutDisabled,
  kubeletWeakTlsCiphers,
  kubernetesDashboardDeployed,
  kubernetesPatchOutdated,
  kubernetesVersionUnsupported,
  legacyServiceAccountTokenSecret,
  linkerdSkipInboundPorts,
  linkerdUnauthenticatedAccess,
  livenessProbeMissing,
  memoryLimitsMissing,
  memoryRequestsMissing,
  meshInjectionDisabled,
  namespacePodSecurityPrivileged,
  namespaceWithoutDefaultDenyEgress,
  namespaceWithoutDefaultDenyIngress,
  namespaceWithoutLimitRange,
  namespaceWithoutPodSecurityLabels,
  namespaceWithoutResourceQuota,
  netRawNotDropped,
  networkPolicyAllowsMetadataEgress,
  networkPolicyPeerSelectsNothing,
  networkPolicyRuleAllowsAll,
  networkPolicySelectsNoPods,
  noNetworkPolicies,
  ownerLabelMissing,
  podDisruptionBudgetBlocksEviction,
  podNotSelectedByNetworkPolicy,
  portRangeWide,
  powerfulServiceAccountExposed,
  privilegedContainer,
  privilegedPort,
  rbacBindEscalate,
  rbacBindingMissingRole,
  rbacBindingToAnonymous,
  rbacBindingToAuthenticated,
  rbacClusterAdminBinding,
  rbacClusterAdminEquivalent,
  rbacCreatePersistentVolumes,
  rbacCreatePods,
  rbacCsrApproval,
  rbacEscalationPath,
  rbacImpersonate,
  rbacNamespaceLabelEdit,
  rbacNodeTaintPodDelete,
  rbacNodesProxy,
  rbacPodExec,
  rbacReadSecrets,
  rbacRoleUnused,
  rbacSecretWrite,
  rbacServiceAccountTokenCreate,
  rbacServicesStatus,
  rbacSystemMasters,
  rbacWebhookConfigEdit,
  rbacWildcardApiGroups,
  rbacWildcardResources,
  rbacWildcardVerbs,
  readinessProbeMissing,
  recommendedLabelsMissing,
  removedApiVersion,
  runAsRoot,
  runAsRootGroup,
  runAsUidZero,
  sandboxedRuntimeMissing,
  schedulerBindAddressNotLoopback,
  schedulerProfilingEnabled,
  seccompProfileMissing,
  seccompUnconfined,
  secretDataInLastApplied,
  secretDataInManifest,
  secretInEnv,
  secretVolumeUnmounted,
  selectorMismatch,
  selinuxCustomOptions,
  sensitiveUiExposed,
  sensitiveWorkloadOpenToAllNamespaces,
  serviceAccountMissing,
  serviceAccountShared,
  serviceAccountTokenAutomount,
  serviceAccountTokenProjectedDespiteOptOut,
  serviceAccountUnused,
  serviceExternalIps,
  serviceLoadBalancer,
  serviceNodePort,
  serviceSelectsNoPods,
  shareProcessNamespace,
  sshPort,
  unmaskedProcMount,
  unsafeSysctls,
  userNamespaceDisabled,
  veleroScheduleExcludesSecrets,
  veleroScheduleTtlMissing,
  volumeTypesRestricted,
  windowsHostProcess,
  workloadInKubeSystem,
  workloadPowerfulServiceAccount,
  workloadReadsUnreferencedSecrets,
  writableRootFilesystem,
];
