/**
 * The RBAC authorizer's rule matching, with the exact semantics of
 * kubernetes `pkg/apis/rbac/v1/evaluation_helpers.go` (VerbMatches, APIGroupMatches,
 * ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and
 * `plugin/pkg/auth/authorizer/rbac/rbac.go` (RuleAllows).
 *
 * Pure functions over plain data: the per-object checks use them now and the
 * effective-permission analysis (bindings, aggregation, who-can) will reuse them.
 * Matching is case-sensitive and literal; the only wildcards are a whole `*`
 * entry, `*\/<subresource>` in resources and a trailing `*` in nonResourceURLs.
 */
import { asArray, asRecord } from '../model/values.js';

/** rbac.authorization.k8s.io/v1 PolicyRule; absent lists are empty. */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  /** empty means every name */
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** An API request on a resource, as the apiserver's RequestInfo describes it. */
export interface ResourceRequest {
  readonly verb: string;
  /** '' is the core group */
  readonly apiGroup: string;
  readonly resource: string;
  /** '' or absent for the resource itself */
  readonly subresource?: string;
  /** '' or absent when the request names no object (create on a collection, list, deletecollection) */
  readonly name?: string;
}

/** A request on a URL outside the resource API (/healthz, /metrics, /version...). */
export interface NonResourceRequest {
  readonly verb: string;
  readonly path: string;
}

export type AuthorizationRequest = ResourceRequest | NonResourceRequest;

export const VERB_ALL = '*';
export const API_GROUP_ALL = '*';
export const RESOURCE_ALL = '*';
export const NON_RESOURCE_ALL = '*';

export function isNonResourceRequest(request: AuthorizationRequest): request is NonResourceRequest {
  return 'path' in request;
}

/** `*` matches every verb, including bind, escalate, impersonate and approve. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((entry) => entry === VERB_ALL || entry === verb);
}

/** `*` matches every group; '' is the core group and only matches itself. */
export function apiGroupMatches(rule: PolicyRule, apiGroup: string): boolean {
  return rule.apiGroups.some((entry) => entry === API_GROUP_ALL || entry === apiGroup);
}

/**
 * Whether one `resources` entry covers `resource[/subresource]`: `*` covers every
 * resource and subresource, `*\/x` covers subresource x of any resource, anything
 * else must equal the combined name (so `pods` does not cover `pods/exec`).
 */
export function resourceEntryMatches(entry: string, resource: string, subresource = ''): boolean {
  if (entry === RESOURCE_ALL) return true;
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  if (entry === combined) return true;
  return subresource !== '' && entry === `*/${subresource}`;
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource = ''): boolean {
  return rule.resources.some((entry) => resourceEntryMatches(entry, resource, subresource));
}

/** An empty resourceNames list matches every name, including the empty one of unnamed requests. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

/** One nonResourceURLs entry: `*`, the exact path, or a prefix ending in `*` (every trailing `*` is trimmed). */
export function nonResourceURLEntryMatches(entry: string, path: string): boolean {
  if (entry === NON_RESOURCE_ALL || entry === path) return true;
  if (!entry.endsWith('*')) return false;
  return path.startsWith(entry.replace(/\*+$/, ''));
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return rule.nonResourceURLs.some((entry) => nonResourceURLEntryMatches(entry, path));
}

/** RuleAllows: verb, group, resource[/subresource] and name must all match (verb and URL for non-resource requests). */
export function ruleAllows(rule: PolicyRule, request: AuthorizationRequest): boolean {
  if (isNonResourceRequest(request)) return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.path);
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, request.resource, request.subresource ?? '') &&
    resourceNameMatches(rule, request.name ?? '')
  );
}

/** RBAC only allows: a request is allowed when any rule allows it. */
export function rulesAllow(rules: readonly PolicyRule[], request: AuthorizationRequest): boolean {
  return rules.some((rule) => ruleAllows(rule, request));
}

/**
 * Requests that never carry an object name: create on a collection and deletecollection.
 * A rule with resourceNames never allows them. (list and watch carry a name only with a
 * `metadata.name` field selector; subresource requests such as create pods/exec name the object.)
 */
export function isUnnamedRequest(verb: string, subresource = ''): boolean {
  return (verb === 'create' && subresource === '') || verb === 'deletecollection';
}

/**
 * Whether the rule allows the request for at least one object name: with resourceNames
 * it allows the named objects only, and nothing for requests that carry no name.
 */
export function ruleAllowsSomeName(rule: PolicyRule, request: Omit<ResourceRequest, 'name'>): boolean {
  const subresource = request.subresource ?? '';
  if (!verbMatches(rule, request.verb) || !apiGroupMatches(rule, request.apiGroup) || !resourceMatches(rule, request.resource, subresource)) return false;
  return rule.resourceNames.length === 0 || !isUnnamedRequest(request.verb, subresource) || rule.resourceNames.includes('');
}

/** Whether the rule allows the request whatever object it names (no resourceNames restriction). */
export function ruleAllowsEveryName(rule: PolicyRule, request: Omit<ResourceRequest, 'name'>): boolean {
  return rule.resourceNames.length === 0 && ruleAllows(rule, request);
}

function strings(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string');
}

/**
 * Reads a PolicyRule from an untyped manifest value. Entries that are not strings are
 * dropped: the apiserver rejects such objects, so they grant nothing.
 */
export function toPolicyRule(value: unknown): PolicyRule {
  const record = asRecord(value) ?? {};
  return {
    verbs: strings(record.verbs),
    apiGroups: strings(record.apiGroups),
    resources: strings(record.resources),
    resourceNames: strings(record.resourceNames),
    nonResourceURLs: strings(record.nonResourceURLs),
  };
}
