/**
 * Whom an alert is for: the owner named by the object's labels and annotations, else by its
 * namespace's, else the default route's team. Each part (team, contact, Slack channel) falls
 * back on its own, so a Deployment labelled `team: payments` in a namespace annotated
 * `contact: payments@example.com` reaches that address.
 */
import { firstValue, OWNER_ANNOTATION_KEYS, OWNER_LABEL_KEYS } from '../model/owner.js';
import type { Metadata } from '../model/resource.js';

export interface OwnerKeys {
  /** Label keys naming the owning team, first non-empty wins (default: the owner-label-missing check's labels). */
  labels: readonly string[];
  /** Annotation keys naming the owning team, read after the labels (default: the check's annotations, less the contact keys). */
  annotations: readonly string[];
  /** Annotation keys holding a contact: e-mail addresses (comma-separated) the email sink writes to. */
  contact: readonly string[];
  /** Annotation keys holding a Slack channel (`#payments-alerts`). */
  slackChannel: readonly string[];
}

export const DEFAULT_CONTACT_KEYS: readonly string[] = ['contact'];
export const DEFAULT_SLACK_CHANNEL_KEYS: readonly string[] = ['slack-channel', 'slack'];

/** The owner keys, from the owner-label-missing check's options when given (so both read the same keys). */
export function ownerKeysFrom(checkOptions: { labels?: readonly string[]; annotations?: readonly string[] } = {}, overrides: Partial<OwnerKeys> = {}): OwnerKeys {
  const contact = overrides.contact ?? DEFAULT_CONTACT_KEYS;
  return {
    labels: overrides.labels ?? checkOptions.labels ?? OWNER_LABEL_KEYS,
    annotations: overrides.annotations ?? (checkOptions.annotations ?? OWNER_ANNOTATION_KEYS).filter((key) => !contact.includes(key)),
    contact,
    slackChannel: overrides.slackChannel ?? DEFAULT_SLACK_CHANNEL_KEYS,
  };
}

export type OwnerSource = 'object' | 'namespace' | 'default';

export interface Owner {
  team: string;
  /** Where the team came from. */
  teamFrom: OwnerSource;
  /** The contact as written (may be a name, an address, several addresses). */
  contact?: string;
  /** The e-mail addresses in the contact. */
  emails: string[];
  slackChannel?: string;
}

interface Found {
  team?: string;
  contact?: string;
  slackChannel?: string;
}

function ownerIn(metadata: Metadata | undefined, keys: OwnerKeys): Found {
  if (!metadata) return {};
  const team = firstValue(metadata.labels, keys.labels) ?? firstValue(metadata.annotations, keys.annotations);
  const contact = firstValue(metadata.annotations, keys.contact);
  const slack = firstValue(metadata.annotations, keys.slackChannel);
  return { ...(team ? { team: team.value } : {}), ...(contact ? { contact: contact.value } : {}), ...(slack ? { slackChannel: slack.value } : {}) };
}

/** Addresses in a contact value: comma- or space-separated, each `local@domain` (a name alone is none). */
export function emailsIn(contact: string | undefined): string[] {
  if (contact === undefined) return [];
  return contact
    .split(/[\s,;]+/)
    .map((part) => part.replace(/^<|>$/g, ''))
    .filter((part) => /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(part));
}

/** The owner of an object: its own labels and annotations, then its namespace's, then the default team. */
export function resolveOwner(object: Metadata | undefined, namespace: Metadata | undefined, keys: OwnerKeys, defaultTeam: string): Owner {
  const own = ownerIn(object, keys);
  const inherited = ownerIn(namespace, keys);
  const team = own.team ?? inherited.team;
  const contact = own.contact ?? inherited.contact;
  const slackChannel = own.slackChannel ?? inherited.slackChannel;
  return {
    team: team ?? defaultTeam,
    teamFrom: own.team !== undefined ? 'object' : inherited.team !== undefined ? 'namespace' : 'default',
    ...(contact !== undefined ? { contact } : {}),
    emails: emailsIn(contact),
    ...(slackChannel !== undefined ? { slackChannel } : {}),
  };
}
