/**
 * Linkerd's data-plane membership and inbound policy semantics (Linkerd 2.1x, stable and edge):
 * the proxy injector's linkerd.io/inject annotation, config.linkerd.io/* proxy configuration
 * inherited from the namespace, and the policy.linkerd.io resources. Pure.
 */
import type { KubeObject } from '../model/resource.js';
import { metadataOf } from '../model/resource.js';
import type { Workload } from '../kinds/pod-spec.js';
import { asStringRecord } from '../model/values.js';

/** linkerd.io/inject values that mesh a pod: enabled (a sidecar proxy) and ingress (a proxy in ingress mode). */
const MESHING = new Set(['enabled', 'ingress']);

export const LINKERD_INJECT = 'linkerd.io/inject';
export const SKIP_INBOUND_PORTS = 'config.linkerd.io/skip-inbound-ports';
export const DEFAULT_INBOUND_POLICY = 'config.linkerd.io/default-inbound-policy';

/** Whether a namespace's annotation meshes its pods by default. */
export function linkerdNamespaceMeshed(namespace: KubeObject): boolean {
  return MESHING.has(asStringRecord(metadataOf(namespace).annotations)[LINKERD_INJECT] ?? '');
}

export interface LinkerdPodMembership {
  /** 'unknown' when the namespace was not scanned and the pod's own annotation says nothing. */
  meshed: boolean | 'unknown';
  /** Set when the pod opts out of injection that its namespace asks for. */
  optOut?: { key: string; value: string };
}

/**
 * The pod template's membership: its own linkerd.io/inject annotation (enabled or ingress mesh it,
 * disabled opts out) over its namespace's. hostNetwork pods are never injected.
 * `namespaceMeshed` is undefined when the Namespace object is not known.
 */
export function linkerdPodMembership(workload: Workload, namespaceMeshed: boolean | undefined): LinkerdPodMembership {
  if (workload.podSpec.hostNetwork === true) return { meshed: false };
  const value = asStringRecord(workload.podMetadata.annotations)[LINKERD_INJECT];
  if (value !== undefined && MESHING.has(value)) return { meshed: true };
  if (value === 'disabled') return namespaceMeshed === true ? { meshed: false, optOut: { key: LINKERD_INJECT, value } } : { meshed: false };
  return { meshed: namespaceMeshed ?? 'unknown' };
}

/**
 * Linkerd's inbound policies that let clients in without a mesh identity: every client, every
 * client from the cluster's networks, and audit (allow everything, log what a policy would deny).
 */
export const UNAUTHENTICATED_POLICIES: Readonly<Record<string, string>> = {
  'all-unauthenticated': 'any client, meshed or not, from any network',
  'cluster-unauthenticated': 'any client, meshed or not, from the cluster\'s networks',
  audit: 'any client (audit mode only logs what a policy would deny)',
};

/**
 * The ports of a comma-separated port list (`25,587,8000-8100`), in order; undefined for an
 * entry that is not a port or a range.
 */
export function parsePortList(value: string): Array<{ text: string; from: number; to: number } | undefined> {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((text) => {
      const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
      if (!match) return undefined;
      const from = Number(match[1]);
      const to = match[2] === undefined ? from : Number(match[2]);
      return from >= 1 && to <= 65535 && from <= to ? { text, from, to } : undefined;
    });
}
