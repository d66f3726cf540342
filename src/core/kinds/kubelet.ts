import type { ObjectRef } from '../model/resource.js';
import { asRecord } from '../model/values.js';

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
