import type { Finding } from '../model/finding.js';
import { metadataOf, type Resource } from '../model/resource.js';
import { asString } from '../model/values.js';

/**
 * Inline exceptions are annotations on the object (or its pod template):
 *
 *   ignore-check.palisade.dev/<check-id>: "<reason>"
 *   ignore-check.palisade.dev/<check-id>.<container>: "expires=2027-01-31 <reason>"
 *
 * A reason is required; an expired exception no longer applies.
 */
export const INLINE_EXCEPTION_PREFIX = 'ignore-check.palisade.dev/';

export interface ExceptionRule {
  checks: readonly string[];
  kinds?: readonly string[];
  namespaces?: readonly string[];
  /** glob patterns (`*` and `?`) on the object name */
  names?: readonly string[];
  containers?: readonly string[];
  reason: string;
  /** YYYY-MM-DD, inclusive */
  expires?: string;
}

export interface InlineException {
  checkId: string;
  container?: string;
  reason: string;
  expires?: string;
  annotation: string;
  /** why the annotation is not a usable exception */
  problem?: string;
}

const EXPIRES = /^expires=(\d{4}-\d{2}-\d{2})\s*/;

export function parseInlineExceptions(annotations: Record<string, unknown> | undefined): InlineException[] {
  const out: InlineException[] = [];
  if (!annotations) return out;
  for (const [key, raw] of Object.entries(annotations)) {
    if (!key.startsWith(INLINE_EXCEPTION_PREFIX)) continue;
    const target = key.slice(INLINE_EXCEPTION_PREFIX.length);
    const dot = target.indexOf('.');
    const checkId = dot < 0 ? target : target.slice(0, dot);
    const container = dot < 0 ? undefined : target.slice(dot + 1);
    let value = (asString(raw) ?? '').trim();
    let expires: string | undefined;
    const match = EXPIRES.exec(value);
    if (match) {
      expires = match[1];
      value = value.slice(match[0].length).trim();
    }
    const exception: InlineException = { checkId, reason: value, annotation: key };
    if (container) exception.container = container;
    if (expires) exception.expires = expires;
    if (value === '') exception.problem = 'an exception needs a reason';
    else if (expires && Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) exception.problem = `invalid expiry date ${expires}`;
    out.push(exception);
  }
  return out;
}

/** Exceptions written on the object and on its pod template. */
export function inlineExceptionsOf(resource: Resource, podAnnotations: Record<string, unknown> | undefined): InlineException[] {
  const own = metadataOf(resource.object).annotations;
  // For a Pod the pod template is the object itself: read its annotations once.
  if (podAnnotations === undefined || podAnnotations === own) return parseInlineExceptions(own);
  return [...parseInlineExceptions(own), ...parseInlineExceptions(podAnnotations)];
}

/** An exception is active through the end of its expiry day (UTC). */
export function isExpired(expires: string | undefined, now: Date): boolean {
  if (!expires) return false;
  const end = Date.parse(`${expires}T23:59:59.999Z`);
  return Number.isNaN(end) || now.getTime() > end;
}

export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function listMatches(list: readonly string[] | undefined, value: string | undefined): boolean {
  if (!list || list.length === 0) return true;
  if (value === undefined) return false;
  return list.some((pattern) => pattern === value || globToRegExp(pattern).test(value));
}

export function ruleMatches(rule: ExceptionRule, finding: Finding): boolean {
  return (
    listMatches(rule.checks, finding.checkId) &&
    listMatches(rule.kinds, finding.object.kind) &&
    listMatches(rule.namespaces, finding.object.namespace) &&
    listMatches(rule.names, finding.object.name) &&
    (rule.containers === undefined || rule.containers.length === 0 || listMatches(rule.containers, finding.container))
  );
}
