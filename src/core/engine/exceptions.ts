import type { Finding } from '../model/finding.js';
import { metadataOf, type ObjectRef, type Resource } from '../model/resource.js';
import { asString } from '../model/values.js';
import { memoizeByString } from '../model/memo.js';

/**
 * Inline exceptions are annotations on the object (or its pod template):
 *
 *   ignore-check.palisade.dev/<check-id>: "<reason>"
 *   ignore-check.palisade.dev/<check-id>.<container>: "expires=2027-01-31 <reason>"
 *
 * A reason is required; the expiry, when given, comes first and is a day of the calendar
 * (YYYY-MM-DD). An annotation that does not follow this (a malformed or misplaced expiry, an
 * unknown check id or container) is reported and suppresses nothing; an expired exception no
 * longer applies and is reported as expired.
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

/** An exception past its expiry date, reported so that it is renewed or removed. */
export interface ExpiredException {
  source: 'annotation' | 'config';
  /** the annotation's key (source annotation) */
  annotation?: string;
  /** the rule's index in the configuration's `exceptions` (source config) */
  rule?: number;
  checks: string[];
  container?: string;
  reason: string;
  expires: string;
  /** the annotated object and its input as reports print it (source annotation) */
  object?: ObjectRef;
  file?: string;
}

/** YYYY-MM-DD naming a day of the calendar (2099-02-30 does not). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `expires=...` anywhere in an annotation's value, as a word. */
const EXPIRES = /(^|\s)expires=(\S*)/;

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
    let problem: string | undefined;
    const match = EXPIRES.exec(value);
    if (match) {
      const written = `expires=${match[2]}`;
      if (match.index !== 0) problem = `the expiry must come before the reason ("expires=YYYY-MM-DD reason"), not after it: ${written}`;
      else if (!isCalendarDate(match[2] ?? '')) problem = `the expiry ${JSON.stringify(written)} is not a date: write expires=YYYY-MM-DD (a day of the calendar) before the reason`;
      else {
        expires = match[2];
        value = value.slice(match[0].length).trim();
      }
    }
    const exception: InlineException = { checkId, reason: value, annotation: key };
    if (container) exception.container = container;
    if (expires) exception.expires = expires;
    if (problem) exception.problem = problem;
    else if (value === '') exception.problem = 'an exception needs a reason';
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

/** A rule's patterns are matched against every finding: each is compiled once (no global flag, so no state is shared). */
const compiledGlob = memoizeByString(globToRegExp, 1024);

function listMatches(list: readonly string[] | undefined, value: string | undefined): boolean {
  if (!list || list.length === 0) return true;
  if (value === undefined) return false;
  return list.some((pattern) => pattern === value || compiledGlob(pattern).test(value));
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
