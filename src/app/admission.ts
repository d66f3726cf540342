/**
 * The admission use case, written once (docs/admission.md): an `admission.k8s.io/v1`
 * AdmissionReview in, the review to answer with out. It runs the same plan as `palisade scan`
 * through `evaluateResource` on the incoming object, against an inventory the caller keeps
 * current (the webhook's informers), and decides per check and per namespace whether a
 * violation denies (enforce), warns (warn) or is only recorded (audit). Pure: no I/O, no
 * clock (the time is an argument); the HTTP server only translates.
 */
import { checkNeeds } from '../core/inventory/reads.js';
import type { Inventory } from '../core/inventory/inventory.js';
import { compilePlan, evaluateResource, type CompiledPlan } from '../core/engine/run.js';
import type { PlannedCheck, ScanPlan, ConfigProblem } from '../core/engine/config.js';
import { kindInfo } from '../core/kinds/catalog.js';
import { isWorkloadKind } from '../core/kinds/pod-spec.js';
import { isClusterScoped } from '../core/kinds/scope.js';
import type { Finding } from '../core/model/finding.js';
import type { Path } from '../core/model/location.js';
import { metadataOf, refOf, type KubeObject, type Resource } from '../core/model/resource.js';
import { atLeast, isSeverity, SEVERITIES, type Severity } from '../core/model/severity.js';
import type { AdmissionOperation, Source } from '../core/model/source.js';
import { asArray, asRecord, asString } from '../core/model/values.js';

export const ADMISSION_REVIEW_API_VERSION = 'admission.k8s.io/v1';
/** The namespace label that sets a namespace's mode, as `pod-security.kubernetes.io/enforce` sets a level. */
export const MODE_LABEL = 'admission.palisade.dev/mode';
export const ADMISSION_MODES = ['enforce', 'warn', 'audit'] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

const OPERATIONS: readonly AdmissionOperation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
/** CONNECT subresources judged on the target pod. */
export const CONNECT_SUBRESOURCES = ['exec', 'attach', 'portforward'] as const;

// ---------------------------------------------------------------------------------------------
// Policy: the `admission:` section of .palisade.yaml

/**
 * ```yaml
 * admission:
 *   mode: warn                 # default for every check and namespace: enforce | warn | audit
 *   failOn: info               # findings below this severity never deny (warn at most)
 *   checks: { host-network: enforce }
 *   namespaces:
 *     payments: { mode: enforce, checks: { image-latest-tag: warn } }
 *   exemptions:
 *     namespaces: [kube-system]
 *     users: [ci-bot]
 *     groups: [system:nodes]
 *     serviceAccounts: [kube-system/replicaset-controller]   # namespace/name
 * ```
 */
export interface AdmissionPolicy {
  mode: AdmissionMode;
  failOn: Severity;
  checks: Readonly<Record<string, AdmissionMode>>;
  namespaces: Readonly<Record<string, { mode?: AdmissionMode; checks: Readonly<Record<string, AdmissionMode>> }>>;
  exemptions: { namespaces: readonly string[]; users: readonly string[]; groups: readonly string[]; serviceAccounts: readonly string[] };
  /**
   * An image with no scan (never scanned, queued for a scan, its tag not resolvable now):
   * `deny` (default) lets image-not-scanned deny where its mode is enforce; `warn` caps it at a
   * warning in every namespace (an unknown image never blocks a rollout).
   */
  unscannedImages?: 'deny' | 'warn';
}

export const DEFAULT_ADMISSION_POLICY: AdmissionPolicy = {
  mode: 'warn',
  failOn: 'info',
  checks: {},
  namespaces: {},
  exemptions: { namespaces: [], users: [], groups: [], serviceAccounts: [] },
};

export function isAdmissionMode(value: unknown): value is AdmissionMode {
  return typeof value === 'string' && (ADMISSION_MODES as readonly string[]).includes(value);
}

/**
 * Reads the `admission` section of a configuration (the whole configuration document is
 * given). Problems are located by path, as the plan's are; `checkIds` are the checks that
 * exist (a mode for an unknown check is a problem, not silence).
 */
export function parseAdmissionPolicy(config: unknown, checkIds: ReadonlySet<string>): { policy: AdmissionPolicy; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const section = asRecord(asRecord(config)?.admission);
  if (asRecord(config)?.admission !== undefined && !section) problems.push({ path: ['admission'], message: 'must be a mapping' });
  if (!section) return { policy: DEFAULT_ADMISSION_POLICY, problems };
  const known = ['mode', 'failOn', 'checks', 'namespaces', 'exemptions', 'unscannedImages'];
  if (section.unscannedImages !== undefined && section.unscannedImages !== 'deny' && section.unscannedImages !== 'warn') problems.push({ path: ['admission', 'unscannedImages'], message: 'must be deny or warn' });
  for (const key of Object.keys(section)) if (!known.includes(key)) problems.push({ path: ['admission', key], message: `unknown setting "${key}" (one of ${known.join(', ')})` });
  const mode = (value: unknown, path: Path): AdmissionMode | undefined => {
    if (value === undefined) return undefined;
    if (isAdmissionMode(value)) return value;
    problems.push({ path, message: `mode must be one of ${ADMISSION_MODES.join(', ')}` });
    return undefined;
  };
  const checkModes = (value: unknown, path: Path): Record<string, AdmissionMode> => {
    const out: Record<string, AdmissionMode> = {};
    if (value === undefined) return out;
    const record = asRecord(value);
    if (!record) {
      problems.push({ path, message: 'must be a mapping of check ids to modes' });
      return out;
    }
    for (const [id, item] of Object.entries(record)) {
      if (!checkIds.has(id)) problems.push({ path: [...path, id], message: `unknown check id "${id}"` });
      const parsed = mode(item, [...path, id]);
      if (parsed) out[id] = parsed;
    }
    return out;
  };
  const strings = (value: unknown, path: Path): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      problems.push({ path, message: 'must be a list of strings' });
      return [];
    }
    return value as string[];
  };
  let failOn: Severity = DEFAULT_ADMISSION_POLICY.failOn;
  if (section.failOn !== undefined) {
    if (isSeverity(section.failOn)) failOn = section.failOn;
    else problems.push({ path: ['admission', 'failOn'], message: `severity must be one of ${SEVERITIES.join(', ')}` });
  }
  const namespaces: Record<string, { mode?: AdmissionMode; checks: Record<string, AdmissionMode> }> = {};
  if (section.namespaces !== undefined && !asRecord(section.namespaces)) problems.push({ path: ['admission', 'namespaces'], message: 'must be a mapping of namespace names to settings' });
  for (const [name, value] of Object.entries(asRecord(section.namespaces) ?? {})) {
    const record = asRecord(value);
    if (!record) {
      problems.push({ path: ['admission', 'namespaces', name], message: 'must be a mapping (mode, checks)' });
      continue;
    }
    for (const key of Object.keys(record)) if (key !== 'mode' && key !== 'checks') problems.push({ path: ['admission', 'namespaces', name, key], message: `unknown setting "${key}" (mode, checks)` });
    const nsMode = mode(record.mode, ['admission', 'namespaces', name, 'mode']);
    namespaces[name] = { ...(nsMode ? { mode: nsMode } : {}), checks: checkModes(record.checks, ['admission', 'namespaces', name, 'checks']) };
  }
  const exemptions = asRecord(section.exemptions) ?? {};
  if (section.exemptions !== undefined && !asRecord(section.exemptions)) problems.push({ path: ['admission', 'exemptions'], message: 'must be a mapping' });
  for (const key of Object.keys(exemptions)) if (!['namespaces', 'users', 'groups', 'serviceAccounts'].includes(key)) problems.push({ path: ['admission', 'exemptions', key], message: `unknown setting "${key}" (namespaces, users, groups, serviceAccounts)` });
  const serviceAccounts = strings(exemptions.serviceAccounts, ['admission', 'exemptions', 'serviceAccounts']);
  serviceAccounts.forEach((item, index) => {
    if (!/^[^/\s]+\/[^/\s]+$/.test(item)) problems.push({ path: ['admission', 'exemptions', 'serviceAccounts', index], message: 'a service account is written namespace/name' });
  });
  return {
    policy: {
      mode: mode(section.mode, ['admission', 'mode']) ?? DEFAULT_ADMISSION_POLICY.mode,
      failOn,
      checks: checkModes(section.checks, ['admission', 'checks']),
      namespaces,
      exemptions: {
        namespaces: strings(exemptions.namespaces, ['admission', 'exemptions', 'namespaces']),
        users: strings(exemptions.users, ['admission', 'exemptions', 'users']),
        groups: strings(exemptions.groups, ['admission', 'exemptions', 'groups']),
        serviceAccounts,
      },
      ...(section.unscannedImages === 'deny' || section.unscannedImages === 'warn' ? { unscannedImages: section.unscannedImages } : {}),
    },
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// The admission controller: a plan and a policy, compiled once

export interface AdmissionController {
  plan: ScanPlan;
  policy: AdmissionPolicy;
  /**
   * Checks by id, with whether each may deny by default (`mayDeny`: it reads nothing of the
   * cluster, see mayDenyByDefault) or only warns unless a per-check entry enforces it.
   */
  checks: ReadonlyMap<string, { planned: PlannedCheck; mayDeny: boolean }>;
  compiled: CompiledPlan;
}

/**
 * Whether a check's enforce mode denies without a per-check entry. Checks that read other
 * objects of the cluster (network policy coverage, service account power) judge against an
 * inventory that may lag the cluster, so they warn unless enforced by name. The image checks
 * (`reads: { images: true }`, no kinds, no analyses) read the incoming object and the image
 * store's results for the digests it names, nothing of the cluster: a verdict on the image
 * itself, as definite as one on the object, so they deny in enforce mode like object-only
 * checks (the image gates of docs/admission.md). Their `scope` says 'namespace' only because
 * they read something besides the object.
 */
export function mayDenyByDefault(check: PlannedCheck['check']): boolean {
  const needs = checkNeeds(check);
  if (needs.scope === 'object') return true;
  return needs.images && needs.reads.size === 0 && needs.analyses.size === 0;
}

export function createAdmissionController(plan: ScanPlan, policy: AdmissionPolicy = DEFAULT_ADMISSION_POLICY): AdmissionController {
  const checks = new Map(plan.checks.map((planned) => [planned.check.id, { planned, mayDeny: mayDenyByDefault(planned.check) }]));
  return { plan, policy, checks, compiled: compilePlan(plan) };
}

/** Where a namespace's mode for one check came from, for the record. */
export interface ModeChoice {
  mode: AdmissionMode;
  /** explicit: a per-check entry of the configuration (the only way a relational check may deny). */
  explicit: boolean;
}

/**
 * A check's mode in a namespace, most specific first: the namespace's per-check entry in the
 * configuration, the namespace label `admission.palisade.dev/mode`, the namespace's mode in the
 * configuration, the check's global entry, the default mode.
 */
export function modeFor(policy: AdmissionPolicy, checkId: string, namespace: string | undefined, namespaceLabel: string | undefined): ModeChoice {
  const settings = namespace !== undefined ? policy.namespaces[namespace] : undefined;
  const perNamespace = settings?.checks[checkId];
  if (perNamespace) return { mode: perNamespace, explicit: true };
  if (isAdmissionMode(namespaceLabel)) return { mode: namespaceLabel, explicit: false };
  if (settings?.mode) return { mode: settings.mode, explicit: false };
  const global = policy.checks[checkId];
  if (global) return { mode: global, explicit: true };
  return { mode: policy.mode, explicit: false };
}

/** The mode of a namespace as a whole (no per-check entry): what a deadline answer uses. */
export function namespaceMode(policy: AdmissionPolicy, namespace: string | undefined, namespaceLabel: string | undefined): AdmissionMode {
  if (isAdmissionMode(namespaceLabel)) return namespaceLabel;
  const settings = namespace !== undefined ? policy.namespaces[namespace] : undefined;
  return settings?.mode ?? policy.mode;
}

// ---------------------------------------------------------------------------------------------
// AdmissionReview in, AdmissionReview out

export interface AdmissionStatus {
  code: number;
  reason?: string;
  message: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_REVIEW_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** A check's outcome on one request, for logs and metrics. */
export interface CheckOutcome {
  checkId: string;
  severity: Severity;
  path: string;
  container?: string;
  mode: AdmissionMode;
  /** deny (enforced), warn, audit, preexisting (an UPDATE did not change it: warned), suppressed (an exception) */
  outcome: 'deny' | 'warn' | 'audit' | 'preexisting' | 'suppressed';
}

export type DecisionVerdict = 'allowed' | 'denied' | 'warned' | 'exempt' | 'error';

/** What was decided, for the structured log and the metrics (never a secret value: no object content). */
export interface AdmissionDecision {
  uid?: string;
  verdict: DecisionVerdict;
  operation?: string;
  kind?: string;
  subResource?: string;
  namespace?: string;
  name?: string;
  user?: string;
  groups?: string[];
  dryRun?: boolean;
  owner?: string;
  checks: CheckOutcome[];
  exemption?: string;
  /** the mode of the namespace as a whole (what a deadline answer follows) */
  namespaceMode?: AdmissionMode;
  error?: string;
}

/** The answer: the HTTP status and body the server writes, and the decision it logs. */
export interface AdmissionAnswer {
  /** 200 with an AdmissionReview; 400 when the body is no v1 AdmissionReview with a uid (nothing to answer in). */
  httpStatus: 200 | 400;
  body: AdmissionReviewResponse | { error: string };
  decision: AdmissionDecision;
}

interface Request {
  uid: string;
  kindName: string;
  subResource?: string;
  operation: AdmissionOperation;
  namespace?: string;
  name?: string;
  username: string;
  groups: string[];
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
}

const MAX_WARNING = 256;

function reviewOf(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_REVIEW_API_VERSION, kind: 'AdmissionReview', response };
}

function badBody(message: string, decision: Partial<AdmissionDecision> = {}): AdmissionAnswer {
  return { httpStatus: 400, body: { error: message }, decision: { ...decision, verdict: 'error', checks: [], error: message } };
}

function errorAnswer(uid: string, message: string, decision: Partial<AdmissionDecision>): AdmissionAnswer {
  return {
    httpStatus: 200,
    body: reviewOf({ uid, allowed: false, status: { code: 400, reason: 'BadRequest', message: `palisade: ${message}` } }),
    decision: { ...decision, uid, verdict: 'error', checks: [], error: message },
  };
}

/** Validates the envelope: what is needed to answer at all (apiVersion, kind, uid). */
function parseReview(body: unknown): { request: Request } | { answer: AdmissionAnswer } {
  const review = asRecord(body);
  if (!review) return { answer: badBody(`the body is not an AdmissionReview: expected a JSON object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`) };
  if (review.kind !== 'AdmissionReview') return { answer: badBody(`the body is not an AdmissionReview (kind ${JSON.stringify(review.kind ?? null)})`) };
  if (review.apiVersion !== ADMISSION_REVIEW_API_VERSION) {
    return { answer: badBody(`AdmissionReview ${JSON.stringify(review.apiVersion ?? null)} is not served: only ${ADMISSION_REVIEW_API_VERSION} (set admissionReviewVersions: ["v1"] in the webhook configuration)`) };
  }
  const request = asRecord(review.request);
  if (!request) return { answer: badBody('the AdmissionReview has no request') };
  const uid = asString(request.uid);
  if (!uid) return { answer: badBody('the AdmissionReview request has no uid') };
  const partial = { uid };
  const operation = request.operation;
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation)) return { answer: errorAnswer(uid, `unknown operation ${JSON.stringify(operation ?? null)} (one of ${OPERATIONS.join(', ')})`, partial) };
  const kindName = asString(asRecord(request.kind)?.kind);
  if (!kindName) return { answer: errorAnswer(uid, 'the request names no kind (request.kind.kind)', partial) };
  const userInfo = asRecord(request.userInfo) ?? {};
  const username = asString(userInfo.username) ?? '';
  const groups = asArray(userInfo.groups).filter((item): item is string => typeof item === 'string');
  const object = request.object === null || request.object === undefined ? undefined : asRecord(request.object);
  const oldObject = request.oldObject === null || request.oldObject === undefined ? undefined : asRecord(request.oldObject);
  if (request.object !== null && request.object !== undefined && !object) return { answer: errorAnswer(uid, 'request.object is not an object', partial) };
  if (request.oldObject !== null && request.oldObject !== undefined && !oldObject) return { answer: errorAnswer(uid, 'request.oldObject is not an object', partial) };
  const namespace = asString(request.namespace) || undefined;
  const name = asString(request.name) || undefined;
  const subResource = asString(request.subResource) || undefined;
  return {
    request: {
      uid,
      kindName,
      operation: operation as AdmissionOperation,
      username,
      groups,
      dryRun: request.dryRun === true,
      ...(subResource ? { subResource } : {}),
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(object ? { object: object as KubeObject } : {}),
      ...(oldObject ? { oldObject: oldObject as KubeObject } : {}),
    },
  };
}

/** Which exemption applies, in words for the record: `user ci-bot`, `namespace kube-system`. */
function exemptionOf(policy: AdmissionPolicy, request: Request): string | undefined {
  const { exemptions } = policy;
  if (request.namespace !== undefined && exemptions.namespaces.includes(request.namespace)) return `namespace ${request.namespace}`;
  if (request.kindName === 'Namespace' && request.name !== undefined && exemptions.namespaces.includes(request.name)) return `namespace ${request.name}`;
  if (exemptions.users.includes(request.username)) return `user ${request.username}`;
  const group = request.groups.find((item) => exemptions.groups.includes(item));
  if (group !== undefined) return `group ${group}`;
  const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(request.username);
  if (account && exemptions.serviceAccounts.includes(`${account[1]}/${account[2]}`)) return `service account ${account[1]}/${account[2]}`;
  return undefined;
}

function toResource(object: KubeObject, request: Request): Resource {
  // Objects created with generateName have no name yet; the namespace may be only on the request.
  const ref = refOf(object, isClusterScoped);
  if (ref.namespace !== undefined && request.namespace !== undefined && asString(metadataOf(object).namespace) === undefined) ref.namespace = request.namespace;
  if (ref.name === '' && request.name) ref.name = request.name;
  const source: Source = { kind: 'admission', uid: request.uid, operation: request.operation, ...(request.username ? { user: request.username } : {}) };
  return { ref, object, origin: { source, document: 0 } };
}

/** `ReplicaSet web-7d9f, of Deployment web` when the controller is known to the inventory. */
function ownerOf(object: KubeObject, namespace: string | undefined, inventory: Inventory): string | undefined {
  const chain: string[] = [];
  let current: KubeObject | undefined = object;
  for (let depth = 0; current && depth < 3; depth++) {
    const controller = asArray(metadataOf(current).ownerReferences)
      .map(asRecord)
      .find((owner) => owner?.controller === true);
    const kind = asString(controller?.kind);
    const name = asString(controller?.name);
    if (!kind || !name) break;
    chain.push(`${kind} ${name}`);
    current = inventory.find(kind, namespace, name)?.object;
  }
  return chain.length > 0 ? chain.join(', of ') : undefined;
}

/** The content of a pod spec a check judges: everything PSA does not exempt on update. */
function podSpecContent(object: KubeObject): unknown {
  const kind = String(object.kind ?? '');
  const spec = asRecord(object.spec);
  const podSpec = kind === 'Pod' ? spec : kind === 'CronJob' ? asRecord(asRecord(asRecord(asRecord(spec?.jobTemplate)?.spec)?.template)?.spec) : asRecord(asRecord(spec?.template)?.spec);
  const { tolerations: _t, activeDeadlineSeconds: _a, ...rest } = podSpec ?? {};
  const annotations = kind === 'Pod' ? metadataOf(object).annotations : (asRecord(asRecord(spec?.template)?.metadata)?.annotations as Record<string, unknown> | undefined);
  const security = Object.entries(annotations ?? {}).filter(([key]) => key.startsWith('seccomp.security.alpha.kubernetes.io/') || key.startsWith('container.apparmor.security.beta.kubernetes.io/'));
  return { spec: rest, security };
}

/** What an UPDATE must change for its violations to be judged again; labels, annotations, scale and status never count. */
function checkedContent(object: KubeObject): unknown {
  if (isWorkloadKind(String(object.kind ?? ''))) return podSpecContent(object);
  const { metadata: _m, status: _s, ...rest } = object;
  const spec = asRecord(rest.spec);
  if (spec && 'replicas' in spec) {
    const { replicas: _r, ...specRest } = spec;
    return { ...rest, spec: specRest };
  }
  return rest;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    const record = asRecord(item);
    return record ? Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]])) : item;
  });
}

function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[3] !== undefined) out.push(JSON.parse(`"${match[3]}"`) as string);
    else if (match[1] !== undefined) out.push(match[1]);
  }
  return out;
}

function valueAt(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const segment of parsePath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function findingId(finding: Finding): string {
  return `${finding.checkId}\u0000${finding.location.path}\u0000${finding.container ?? ''}`;
}

function clip(text: string): string {
  return text.length <= MAX_WARNING ? text : `${text.slice(0, MAX_WARNING - 1)}…`;
}

function describeObject(request: Request, resource: Resource | undefined): string {
  const kind = resource?.ref.kind ?? request.kindName;
  const namespace = resource?.ref.namespace ?? request.namespace;
  const name = resource?.ref.name || request.name || '(unnamed)';
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function namespaceLabelOf(request: Request, inventory: Inventory): string | undefined {
  // A Namespace is judged by its own (new) labels; anything else by its namespace's, as the inventory knows it.
  if (request.kindName === 'Namespace') return asString(metadataOf(request.object ?? request.oldObject ?? {}).labels?.[MODE_LABEL]);
  if (request.namespace === undefined) return undefined;
  return asString(metadataOf(inventory.find('Namespace', undefined, request.namespace)?.object ?? {}).labels?.[MODE_LABEL]);
}

/** The checks' modes, with the caps: below failOn, relational (unless explicitly enforced) → warn at most; image checks may deny. */
function effectiveMode(controller: AdmissionController, finding: Finding, namespace: string | undefined, label: string | undefined): AdmissionMode {
  const choice = modeFor(controller.policy, finding.checkId, namespace, label);
  if (choice.mode !== 'enforce') return choice.mode;
  if (!atLeast(finding.severity, controller.policy.failOn)) return 'warn';
  if (finding.checkId === 'image-not-scanned' && controller.policy.unscannedImages === 'warn') return 'warn';
  const info = controller.checks.get(finding.checkId);
  if (info && !info.mayDeny && !choice.explicit) return 'warn';
  return 'enforce';
}

/** A finding's outcome for the record (the container only when there is one; no spread per finding). */
function outcomeOf(finding: Finding, mode: AdmissionMode, outcome: CheckOutcome['outcome']): CheckOutcome {
  const { checkId, severity, container } = finding;
  const path = finding.location.path;
  return container ? { checkId, severity, path, container, mode, outcome } : { checkId, severity, path, mode, outcome };
}

function line(controller: AdmissionController, finding: Finding): string {
  const fix = controller.checks.get(finding.checkId)?.planned.check.remediation;
  return `- ${finding.checkId} (${finding.severity}) at ${finding.location.path || '(object)'}${finding.container ? ` [container ${finding.container}]` : ''}: ${finding.message}${fix ? `${/[.!?]$/.test(finding.message) ? '' : '.'} Fix: ${fix}` : ''}`;
}

/**
 * Answers one AdmissionReview (any JSON value: what the server parsed). Never throws: what it
 * cannot understand gets a clear error (HTTP 400 without a uid to answer, else a denial with
 * code 400 that says why).
 */
export function admit(body: unknown, inventory: Inventory, controller: AdmissionController, now: Date): AdmissionAnswer {
  try {
    return decide(body, inventory, controller, now);
  } catch (error) {
    const uid = asString(asRecord(asRecord(body)?.request)?.uid);
    const message = `internal error judging the request: ${(error as Error).message}`;
    return uid ? errorAnswer(uid, message, {}) : badBody(message);
  }
}

function decide(body: unknown, inventory: Inventory, controller: AdmissionController, now: Date): AdmissionAnswer {
  const parsed = parseReview(body);
  if ('answer' in parsed) return parsed.answer;
  const { request } = parsed;
  const label = namespaceLabelOf(request, inventory);
  const base: AdmissionDecision = {
    uid: request.uid,
    verdict: 'allowed',
    operation: request.operation,
    kind: request.kindName,
    ...(request.subResource ? { subResource: request.subResource } : {}),
    ...(request.namespace ? { namespace: request.namespace } : {}),
    ...(request.name ? { name: request.name } : {}),
    user: request.username,
    groups: request.groups,
    dryRun: request.dryRun,
    checks: [],
    namespaceMode: namespaceMode(controller.policy, request.namespace ?? (request.kindName === 'Namespace' ? request.name : undefined), label),
  };
  const allow = (annotations: Record<string, string> = {}, warnings: string[] = [], decision: Partial<AdmissionDecision> = {}): AdmissionAnswer => ({
    httpStatus: 200,
    body: reviewOf({ uid: request.uid, allowed: true, ...(warnings.length > 0 ? { warnings: warnings.map(clip) } : {}), ...(Object.keys(annotations).length > 0 ? { auditAnnotations: annotations } : {}) }),
    decision: { ...base, ...decision, verdict: decision.verdict ?? (warnings.length > 0 ? 'warned' : 'allowed') },
  });

  const exemption = exemptionOf(controller.policy, request);
  if (exemption) return allow({ exemption }, [], { verdict: 'exempt', exemption });

  if (request.operation === 'CONNECT') return connect(request, inventory, controller, now, label, base);
  if (request.subResource !== undefined && kindInfo(request.kindName) === undefined) {
    // A subresource whose object is no kind Palisade checks (scale, status, binding...): nothing to judge.
    return allow({ decision: `subresource ${request.subResource} not judged` });
  }
  if (kindInfo(request.kindName) === undefined && controller.compiled.checksFor(request.kindName).length === 0) {
    return errorAnswer(request.uid, `kind ${request.kindName} is not one Palisade judges (the webhook configuration should not send it)`, base);
  }
  if (request.operation === 'DELETE') {
    const warnings = protectiveWarnings(request);
    return allow(warnings.length > 0 ? { protective: warnings.join('; ') } : {}, warnings);
  }
  if (!request.object) return errorAnswer(request.uid, `a ${request.operation} request without request.object`, base);
  if (String(request.object.kind ?? '') !== request.kindName) return errorAnswer(request.uid, `request.object is a ${JSON.stringify(request.object.kind ?? null)}, the request says ${request.kindName}`, base);

  const compiled: CompiledPlan = { plan: { ...controller.plan, now }, checksFor: controller.compiled.checksFor };
  const resource = toResource(request.object, request);
  const evaluation = evaluateResource(resource, inventory, compiled);
  // UPDATE is judged on what changed: a violation the old object had too, on content the update
  // left as it was, is not denied (as Pod Security Admission exempts such updates).
  const preexisting = new Set<string>();
  if (request.operation === 'UPDATE' && request.oldObject) {
    const old = evaluateResource(toResource(request.oldObject, request), inventory, compiled);
    const oldIds = new Set(old.findings.map(findingId));
    const unchanged = canonical(checkedContent(request.object)) === canonical(checkedContent(request.oldObject));
    for (const finding of evaluation.findings) {
      if (!oldIds.has(findingId(finding))) continue;
      if (unchanged || canonical(valueAt(request.object, finding.location.path)) === canonical(valueAt(request.oldObject, finding.location.path))) preexisting.add(findingId(finding));
    }
  }
  const owner = ownerOf(request.object, resource.ref.namespace, inventory);
  const what = `${describeObject(request, resource)}${owner ? ` (created by ${owner})` : ''}`;
  const denied: Finding[] = [];
  const warned: Finding[] = [];
  const audited: Finding[] = [];
  const kept: Finding[] = [];
  const checks: CheckOutcome[] = [];
  for (const finding of evaluation.findings) {
    const mode = effectiveMode(controller, finding, resource.ref.namespace ?? (request.kindName === 'Namespace' ? resource.ref.name : undefined), label);
    const old = preexisting.size > 0 && preexisting.has(findingId(finding));
    const outcome: CheckOutcome['outcome'] = mode === 'audit' ? 'audit' : mode === 'warn' ? 'warn' : old ? 'preexisting' : 'deny';
    checks.push(outcomeOf(finding, mode, outcome));
    if (outcome === 'deny') denied.push(finding);
    else if (outcome === 'warn') warned.push(finding);
    else if (outcome === 'preexisting') kept.push(finding);
    else audited.push(finding);
  }
  for (const suppressed of evaluation.suppressed) {
    const { finding } = suppressed;
    checks.push(outcomeOf(finding, modeFor(controller.policy, finding.checkId, resource.ref.namespace, label).mode, 'suppressed'));
  }
  const annotations: Record<string, string> = {};
  const list = (findings: Finding[]) => findings.map((finding) => `${finding.checkId}@${finding.location.path}`).join(', ');
  if (audited.length > 0) annotations.audit = list(audited);
  if (warned.length > 0) annotations.warn = list(warned);
  if (kept.length > 0) annotations.preexisting = list(kept);
  if (denied.length > 0) annotations.deny = list(denied);
  if (evaluation.suppressed.length > 0) annotations.exceptions = evaluation.suppressed.map(({ finding, source, reason }) => `${finding.checkId}@${finding.location.path} (${source}: ${reason})`).join('; ');
  if (owner) annotations.owner = owner;
  const warnings = [
    ...warned.map((finding) => `palisade: ${finding.checkId} at ${finding.location.path || '(object)'}: ${finding.message}`),
    ...kept.map((finding) => `palisade: ${finding.checkId} at ${finding.location.path || '(object)'} (not changed by this update, not denied): ${finding.message}`),
    ...evaluation.errors.map((error) => `palisade: ${error.message}`),
    ...protectiveWarnings(request),
  ];
  const decision: Partial<AdmissionDecision> = { checks, ...(owner ? { owner } : {}) };
  if (denied.length === 0) return allow(annotations, warnings, decision);
  const message = [`Palisade denied ${what}: ${denied.length} violation${denied.length === 1 ? '' : 's'} of enforced checks`, ...denied.map((finding) => line(controller, finding))].join('\n');
  return {
    httpStatus: 200,
    body: reviewOf({ uid: request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message }, ...(warnings.length > 0 ? { warnings: warnings.map(clip) } : {}), auditAnnotations: annotations }),
    decision: { ...base, ...decision, verdict: 'denied' },
  };
}

/**
 * CONNECT on pods/exec, pods/attach and pods/portforward: the target pod (from the inventory)
 * is judged as if it were admitted now; a violation of an enforced check denies the connection.
 */
function connect(request: Request, inventory: Inventory, controller: AdmissionController, now: Date, label: string | undefined, base: AdmissionDecision): AdmissionAnswer {
  const answer = (allowed: boolean, extra: Partial<AdmissionResponse>, decision: Partial<AdmissionDecision>): AdmissionAnswer => ({
    httpStatus: 200,
    body: reviewOf({ uid: request.uid, allowed, ...extra }),
    decision: { ...base, ...decision, verdict: decision.verdict ?? (allowed ? 'allowed' : 'denied') },
  });
  if (!(CONNECT_SUBRESOURCES as readonly string[]).includes(request.subResource ?? '')) return answer(true, { auditAnnotations: { decision: `CONNECT ${request.subResource ?? '(no subresource)'} not judged` } }, {});
  const pod = request.name !== undefined ? inventory.find('Pod', request.namespace, request.name) : undefined;
  if (!pod) return answer(true, { warnings: [`palisade: pod ${request.namespace ?? ''}/${request.name ?? ''} is not in Palisade's inventory yet: ${request.subResource} not judged`] }, { verdict: 'warned' });
  const compiled: CompiledPlan = { plan: { ...controller.plan, now }, checksFor: controller.compiled.checksFor };
  const evaluation = evaluateResource(pod, inventory, compiled);
  const enforced = evaluation.findings.filter((finding) => effectiveMode(controller, finding, pod.ref.namespace, label) === 'enforce');
  const checks: CheckOutcome[] = evaluation.findings.map((finding) => ({ checkId: finding.checkId, severity: finding.severity, path: finding.location.path, mode: effectiveMode(controller, finding, pod.ref.namespace, label), outcome: enforced.includes(finding) ? 'deny' : 'audit' }));
  if (enforced.length === 0) return answer(true, {}, { checks });
  const message = [`Palisade denied ${request.subResource} into Pod ${pod.ref.namespace}/${pod.ref.name}: the pod violates ${enforced.length} enforced check${enforced.length === 1 ? '' : 's'}`, ...enforced.map((finding) => line(controller, finding))].join('\n');
  return answer(false, { status: { code: 403, reason: 'Forbidden', message }, auditAnnotations: { deny: enforced.map((finding) => finding.checkId).join(', ') } }, { checks });
}

const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';

/** Warnings for removing protection: deleting a default-deny NetworkPolicy, dropping a namespace's enforcement labels. */
function protectiveWarnings(request: Request): string[] {
  const out: string[] = [];
  const old = request.oldObject;
  if (!old) return out;
  if (request.operation === 'DELETE' && request.kindName === 'NetworkPolicy') {
    const spec = asRecord(old.spec) ?? {};
    const selectsAll = Object.keys(asRecord(spec.podSelector) ?? {}).every((key) => {
      const value = (asRecord(spec.podSelector) ?? {})[key];
      return Array.isArray(value) ? value.length === 0 : !asRecord(value) || Object.keys(asRecord(value)!).length === 0;
    });
    const types = asArray(spec.policyTypes).map(String);
    const directions = (types.length > 0 ? types : ['Ingress', ...(asArray(spec.egress).length > 0 ? ['Egress'] : [])]).filter((type) => asArray(spec[type.toLowerCase()]).length === 0);
    if (selectsAll && directions.length > 0) out.push(`palisade: deleting NetworkPolicy ${request.namespace ?? ''}/${request.name ?? ''} removes the default deny (${directions.join(', ').toLowerCase()}) of every pod in the namespace`);
  }
  if (request.kindName === 'Namespace' && request.operation === 'UPDATE') {
    const before = metadataOf(old).labels ?? {};
    const after = metadataOf(request.object ?? {}).labels ?? {};
    for (const key of [POD_SECURITY_ENFORCE, MODE_LABEL]) {
      if (before[key] !== undefined && after[key] === undefined) out.push(`palisade: removing the label ${key}=${before[key]} from namespace ${request.name ?? ''} lifts its enforcement`);
      else if (key === MODE_LABEL && before[key] === 'enforce' && after[key] !== undefined && after[key] !== 'enforce') out.push(`palisade: namespace ${request.name ?? ''} goes from ${key}=enforce to ${after[key]}: violations will no longer be denied`);
    }
  }
  return out;
}

/**
 * The answer when a review cannot be finished before the deadline: deny in a namespace whose
 * mode is enforce (the webhook fails closed as its configuration does), else allow with a
 * warning. Reads only the envelope, so it is cheap enough to give under load.
 */
export function deadlineAnswer(body: unknown, inventory: Inventory, controller: AdmissionController, deadlineMs: number): AdmissionAnswer {
  const parsed = parseReview(body);
  if ('answer' in parsed) return parsed.answer;
  const { request } = parsed;
  const mode = namespaceMode(controller.policy, request.namespace ?? (request.kindName === 'Namespace' ? request.name : undefined), namespaceLabelOf(request, inventory));
  const what = describeObject(request, undefined);
  const decision: AdmissionDecision = { uid: request.uid, operation: request.operation, kind: request.kindName, ...(request.namespace ? { namespace: request.namespace } : {}), ...(request.name ? { name: request.name } : {}), user: request.username, checks: [], namespaceMode: mode, verdict: mode === 'enforce' ? 'denied' : 'warned', error: `deadline of ${deadlineMs} ms passed` };
  if (mode === 'enforce') {
    return { httpStatus: 200, body: reviewOf({ uid: request.uid, allowed: false, status: { code: 504, reason: 'Timeout', message: `Palisade could not judge ${what} within its deadline of ${deadlineMs} ms; denied because the namespace is enforced. Retry the request.` }, auditAnnotations: { deadline: `${deadlineMs}ms` } }), decision };
  }
  return { httpStatus: 200, body: reviewOf({ uid: request.uid, allowed: true, warnings: [`palisade: ${what} was not judged within ${deadlineMs} ms; admitted (namespace mode ${mode})`], auditAnnotations: { deadline: `${deadlineMs}ms` } }), decision };
}
