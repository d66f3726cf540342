import type { AnyCheck } from '../model/check.js';
import configmapCredential from './configmap-credential.js';
import containerRuntimeSocket from './container-runtime-socket.js';
import defaultServiceAccount from './default-service-account.js';
import defaultServiceAccountAutomount from './default-service-account-automount.js';
import deprecatedServiceAccountField from './deprecated-service-account-field.js';
import envLiteralCredential from './env-literal-credential.js';
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
import imagePullPolicy from './image-pull-policy.js';
import imageRegistryNotAllowed from './image-registry-not-allowed.js';
import legacyServiceAccountTokenSecret from './legacy-service-account-token-secret.js';
import privilegedContainer from './privileged-container.js';
import runAsRoot from './run-as-root.js';
import secretDataInManifest from './secret-data-in-manifest.js';
import secretInEnv from './secret-in-env.js';
import serviceAccountMissing from './service-account-missing.js';
import serviceAccountTokenAutomount from './service-account-token-automount.js';
import shareProcessNamespace from './share-process-namespace.js';
import volumeTypesRestricted from './volume-types-restricted.js';

/** Every check, sorted by id. Presets and docs derive from this list. */
export const ALL_CHECKS: readonly AnyCheck[] = [
  configmapCredential,
  containerRuntimeSocket,
  defaultServiceAccount,
  defaultServiceAccountAutomount,
  deprecatedServiceAccountField,
  envLiteralCredential,
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
  imagePullPolicy,
  imageRegistryNotAllowed,
  legacyServiceAccountTokenSecret,
  privilegedContainer,
  runAsRoot,
  secretDataInManifest,
  secretInEnv,
  serviceAccountMissing,
  serviceAccountTokenAutomount,
  shareProcessNamespace,
  volumeTypesRestricted,
];
