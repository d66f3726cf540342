import type { AnyDetection } from '../model/detection.js';
import admissionWebhookChanged from './admission-webhook-changed.js';
import anonymousRequestAllowed from './anonymous-request-allowed.js';
import broadGroupBinding from './broad-group-binding.js';
import csrMinted from './csr-minted.js';
import falcoAlert from './falco-alert.js';
import forbiddenBurst from './forbidden-burst.js';
import impersonation from './impersonation.js';
import nodeProxyAccess from './node-proxy-access.js';
import podExec from './pod-exec.js';
import podPortForward from './pod-port-forward.js';
import powerfulRoleBinding from './powerful-role-binding.js';
import powerfulRoleChange from './powerful-role-change.js';
import privilegedPodCreated from './privileged-pod-created.js';
import secretReadUnusual from './secret-read-unusual.js';
import serviceAccountTokenMinted from './service-account-token-minted.js';

/** Every detection, sorted by id: the one registry (no globbing, no import-time registration). */
export const ALL_DETECTIONS: readonly AnyDetection[] = [
  admissionWebhookChanged,
  anonymousRequestAllowed,
  broadGroupBinding,
  csrMinted,
  falcoAlert,
  forbiddenBurst,
  impersonation,
  nodeProxyAccess,
  podExec,
  podPortForward,
  powerfulRoleBinding,
  powerfulRoleChange,
  privilegedPodCreated,
  secretReadUnusual,
  serviceAccountTokenMinted,
];
