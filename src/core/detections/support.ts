import { actingUser, serviceAccountOf, type AuditEvent, type UserInfo } from '../audit/event.js';

/**
 * The control plane's own identities: the API server, controller manager, scheduler, kube-proxy,
 * nodes (kubelets) and their bootstrap tokens, and the service accounts of the trusted
 * namespaces (kube-system by default: the controllers run as its service accounts with
 * --use-service-account-credentials).
 */
export function isSystemComponent(user: UserInfo, trustedNamespaces: readonly string[] = ['kube-system']): boolean {
  const name = user.username;
  if (name === 'system:apiserver' || name === 'system:kube-controller-manager' || name === 'system:kube-scheduler' || name === 'system:kube-proxy') return true;
  if (name.startsWith('system:node:') || name.startsWith('system:bootstrap:')) return true;
  if (user.groups.includes('system:nodes') || user.groups.includes('system:bootstrappers')) return true;
  const account = serviceAccountOf(name);
  return account !== undefined && trustedNamespaces.includes(account.namespace);
}

/** `pods/exec` for an event on a subresource, `pods` otherwise. */
export function resourceOf(event: AuditEvent): string | undefined {
  const ref = event.objectRef;
  if (!ref?.resource) return undefined;
  return ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
}

export function isGroup(event: AuditEvent, group: string): boolean {
  return (event.objectRef?.apiGroup ?? '') === group;
}

export const WRITE_VERBS = ['create', 'update', 'patch'] as const;

export function isWrite(event: AuditEvent): boolean {
  return (WRITE_VERBS as readonly string[]).includes(event.verb);
}

/** "ns/name", "name" or "ns/*": an object as messages name it. */
export function objectName(event: AuditEvent): string {
  const ref = event.objectRef;
  if (!ref) return event.requestURI;
  const name = ref.name ?? '*';
  return ref.namespace ? `${ref.namespace}/${name}` : name;
}

export function actingName(event: AuditEvent): string {
  return actingUser(event).username;
}
