/**
 * Audit events as detections read them: an `audit.k8s.io/v1` Event (or a Falco alert) checked,
 * bounded and reduced to the fields detections use. The request and response bodies are never
 * kept: a RequestResponse event of a Secret carries its data, a TokenRequest's response carries
 * a token. From a request body only typed facts survive (a pod's host namespaces and privileged
 * containers, a binding's role and subjects, a role's rules), and only for the resources that
 * need them. Query strings are dropped from the request URI (an exec's command may hold a
 * password). Pure: text or parsed JSON in, an event or an error out.
 */

export type EventSource = 'audit' | 'falco';

export interface ObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: readonly string[];
}

export interface PodFacts {
  hostPID: boolean;
  hostNetwork: boolean;
  hostIPC: boolean;
  /** containers (init and ephemeral too) with securityContext.privileged: true */
  privileged: readonly string[];
  serviceAccountName?: string;
}

export interface BindingFacts {
  roleRef: { kind: string; name: string };
  subjects: readonly { kind: string; name: string; namespace?: string }[];
}

export interface RoleFacts {
  rules: readonly { verbs: readonly string[]; resources: readonly string[]; apiGroups: readonly string[] }[];
  /** an aggregation rule: the role's rules come from other roles */
  aggregated: boolean;
}

/** What a request body said, as facts (never the body). */
export interface RequestFacts {
  pod?: PodFacts;
  binding?: BindingFacts;
  role?: RoleFacts;
}

export interface FalcoFacts {
  rule: string;
  priority: string;
  tags: readonly string[];
  /** selected output fields: namespace, pod, container, image, process name, user (never the command line) */
  fields: Readonly<Record<string, string>>;
}

export interface AuditEvent {
  source: EventSource;
  auditID: string;
  stage: string;
  level: string;
  verb: string;
  /** path only: the query string is dropped */
  requestURI: string;
  /** who authenticated */
  user: UserInfo;
  /** whom they acted as (Impersonate-User) */
  impersonatedUser?: UserInfo;
  sourceIPs: readonly string[];
  userAgent?: string;
  objectRef?: ObjectRef;
  responseCode?: number;
  /** authorization.k8s.io/decision: allow or forbid, when the API server wrote it */
  decision?: string;
  /** authorization.k8s.io/reason (which binding allowed it) */
  reason?: string;
  /** ISO 8601: the stage timestamp, else when the request was received */
  time: string;
  request?: RequestFacts;
  falco?: FalcoFacts;
}

export interface AuditLimits {
  /** bytes of one event's JSON (default 1 MiB; the API server's own limit on a request body is 3 MiB, most events are far smaller) */
  maxEventBytes: number;
  /** nesting of arrays and objects (default 64) */
  maxDepth: number;
  /** events in one EventList (default 10,000) */
  maxEvents: number;
  /** characters of one string field kept (default 4096) */
  maxStringLength: number;
}

export const DEFAULT_AUDIT_LIMITS: AuditLimits = { maxEventBytes: 1024 * 1024, maxDepth: 64, maxEvents: 10_000, maxStringLength: 4096 };

export type AuditErrorCode = 'too-large' | 'too-deep' | 'not-json' | 'not-an-event' | 'bad-field' | 'too-many';

export interface AuditInputError {
  code: AuditErrorCode;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: AuditInputError };

const fail = (code: AuditErrorCode, message: string): { ok: false; error: AuditInputError } => ({ ok: false, error: { code, message } });

/**
 * The deepest nesting of arrays and objects in JSON text, stopping as soon as it passes
 * `limit` (so a million `[` cost one pass, never a parser's recursion).
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Bounded JSON.parse: size in UTF-16 units as a cheap first bound, then depth, then parse. */
export function parseBoundedJson(text: string, limits: AuditLimits, maxBytes = limits.maxEventBytes): Parsed<unknown> {
  if (text.length > maxBytes) return fail('too-large', `over the limit of ${maxBytes} bytes`);
  if (jsonDepthExceeds(text, limits.maxDepth)) return fail('too-deep', `nested deeper than ${limits.maxDepth} levels`);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // The position only: V8's message quotes the text around the error, which may be a Secret's value.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return fail('not-json', `not JSON${position !== undefined ? ` (at character ${position})` : ''}`);
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

class FieldError extends Error {}

function str(value: unknown, field: string, limits: AuditLimits, required: true): string;
function str(value: unknown, field: string, limits: AuditLimits, required?: false): string | undefined;
function str(value: unknown, field: string, limits: AuditLimits, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new FieldError(`${field} is missing`);
    return undefined;
  }
  if (typeof value !== 'string') throw new FieldError(`${field} must be a string`);
  if (value.length > limits.maxStringLength) throw new FieldError(`${field} is longer than ${limits.maxStringLength} characters`);
  return value;
}

function strings(value: unknown, field: string, limits: AuditLimits, max = 256): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FieldError(`${field} must be a list of strings`);
  if (value.length > max) throw new FieldError(`${field} has more than ${max} entries`);
  return value.map((item, index) => str(item, `${field}[${index}]`, limits, true));
}

function userInfo(value: unknown, field: string, limits: AuditLimits): UserInfo {
  if (!isObject(value)) throw new FieldError(`${field} must be an object`);
  const uid = str(value.uid, `${field}.uid`, limits);
  // A request that failed authentication (401) is logged with `user: {}`: no name.
  return { username: str(value.username, `${field}.username`, limits) ?? '', ...(uid ? { uid } : {}), groups: strings(value.groups, `${field}.groups`, limits) };
}

function objectRef(value: unknown, limits: AuditLimits): ObjectRef | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new FieldError('objectRef must be an object');
  const ref: ObjectRef = {};
  for (const key of ['resource', 'namespace', 'name', 'apiGroup', 'apiVersion', 'subresource'] as const) {
    const text = str(value[key], `objectRef.${key}`, limits);
    if (text) ref[key] = text;
  }
  return ref;
}

const bool = (value: unknown) => value === true;

function podFacts(object: Json): PodFacts | undefined {
  // A Pod, or an ephemeral-containers update of one; pod templates are the controllers' business.
  const spec = object.spec;
  if (!isObject(spec)) return undefined;
  const privileged: string[] = [];
  for (const list of [spec.containers, spec.initContainers, spec.ephemeralContainers]) {
    if (!Array.isArray(list)) continue;
    for (const container of list.slice(0, 256)) {
      if (!isObject(container)) continue;
      const context = container.securityContext;
      if (isObject(context) && context.privileged === true) privileged.push(typeof container.name === 'string' ? container.name.slice(0, 253) : '?');
    }
  }
  const serviceAccountName = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName.slice(0, 253) : undefined;
  return { hostPID: bool(spec.hostPID), hostNetwork: bool(spec.hostNetwork), hostIPC: bool(spec.hostIPC), privileged, ...(serviceAccountName ? { serviceAccountName } : {}) };
}

function text253(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 253) : '';
}

function bindingFacts(object: Json): BindingFacts | undefined {
  const roleRef = object.roleRef;
  const subjects = Array.isArray(object.subjects) ? object.subjects.slice(0, 1024) : [];
  if (!isObject(roleRef) && subjects.length === 0) return undefined;
  return {
    roleRef: isObject(roleRef) ? { kind: text253(roleRef.kind), name: text253(roleRef.name) } : { kind: '', name: '' },
    subjects: subjects.filter(isObject).map((subject) => ({ kind: text253(subject.kind), name: text253(subject.name), ...(typeof subject.namespace === 'string' ? { namespace: subject.namespace.slice(0, 253) } : {}) })),
  };
}

function roleFacts(object: Json): RoleFacts | undefined {
  if (!Array.isArray(object.rules) && !isObject(object.aggregationRule)) return undefined;
  const list = (value: unknown) => (Array.isArray(value) ? value.slice(0, 256).filter((item): item is string => typeof item === 'string').map((item) => item.slice(0, 253)) : []);
  const rules = (Array.isArray(object.rules) ? object.rules.slice(0, 1024) : []).filter(isObject).map((rule) => ({ verbs: list(rule.verbs), resources: list(rule.resources), apiGroups: list(rule.apiGroups) }));
  return { rules, aggregated: isObject(object.aggregationRule) };
}

/** Facts from the request body, for the resources whose detections need them; nothing else is read. */
function requestFacts(ref: ObjectRef | undefined, body: unknown): RequestFacts | undefined {
  if (!ref || !isObject(body)) return undefined;
  const group = ref.apiGroup ?? '';
  if (group === '' && ref.resource === 'pods' && (ref.subresource === undefined || ref.subresource === 'ephemeralcontainers')) {
    const pod = podFacts(body);
    return pod ? { pod } : undefined;
  }
  if (group === 'rbac.authorization.k8s.io' && ref.subresource === undefined) {
    if (ref.resource === 'rolebindings' || ref.resource === 'clusterrolebindings') {
      const binding = bindingFacts(body);
      return binding ? { binding } : undefined;
    }
    if (ref.resource === 'roles' || ref.resource === 'clusterroles') {
      const role = roleFacts(body);
      return role ? { role } : undefined;
    }
  }
  return undefined;
}

/** The path of a request URI, and for exec and attach the container it named. */
function pathOnly(uri: string): string {
  const at = uri.indexOf('?');
  if (at < 0) return uri;
  const container = /(?:^|&)container=([^&]{1,253})/.exec(uri.slice(at + 1))?.[1];
  return container ? `${uri.slice(0, at)}?container=${container}` : uri.slice(0, at);
}

/** An audit.k8s.io Event, already parsed from JSON, as detections read it. */
export function auditEventFrom(value: unknown, limits: AuditLimits = DEFAULT_AUDIT_LIMITS): Parsed<AuditEvent> {
  if (!isObject(value)) return fail('not-an-event', 'an audit event must be a JSON object');
  if (value.kind !== undefined && value.kind !== 'Event') return fail('not-an-event', `kind ${JSON.stringify(String(value.kind).slice(0, 64))} is not Event`);
  if (typeof value.apiVersion === 'string' && !value.apiVersion.startsWith('audit.k8s.io/')) return fail('not-an-event', `apiVersion ${JSON.stringify(value.apiVersion.slice(0, 64))} is not audit.k8s.io`);
  try {
    const ref = objectRef(value.objectRef, limits);
    const status = value.responseStatus;
    if (status !== undefined && status !== null && !isObject(status)) throw new FieldError('responseStatus must be an object');
    const code = isObject(status) ? status.code : undefined;
    if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 999)) throw new FieldError('responseStatus.code must be an HTTP status');
    const annotations = value.annotations;
    if (annotations !== undefined && annotations !== null && !isObject(annotations)) throw new FieldError('annotations must be an object');
    const decision = isObject(annotations) ? str(annotations['authorization.k8s.io/decision'], 'annotations', limits) : undefined;
    const reason = isObject(annotations) ? str(annotations['authorization.k8s.io/reason'], 'annotations', limits) : undefined;
    const time = str(value.stageTimestamp, 'stageTimestamp', limits) ?? str(value.requestReceivedTimestamp, 'requestReceivedTimestamp', limits);
    if (time === undefined) throw new FieldError('stageTimestamp and requestReceivedTimestamp are missing');
    if (Number.isNaN(Date.parse(time))) throw new FieldError('stageTimestamp is not a time');
    const userAgent = str(value.userAgent, 'userAgent', limits);
    const request = requestFacts(ref, value.requestObject);
    const event: AuditEvent = {
      source: 'audit',
      auditID: str(value.auditID, 'auditID', limits, true),
      stage: str(value.stage, 'stage', limits, true),
      level: str(value.level, 'level', limits) ?? 'Metadata',
      verb: str(value.verb, 'verb', limits, true),
      requestURI: pathOnly(str(value.requestURI, 'requestURI', limits) ?? ''),
      user: userInfo(value.user, 'user', limits),
      ...(value.impersonatedUser !== undefined && value.impersonatedUser !== null ? { impersonatedUser: userInfo(value.impersonatedUser, 'impersonatedUser', limits) } : {}),
      sourceIPs: strings(value.sourceIPs, 'sourceIPs', limits, 64),
      ...(userAgent ? { userAgent } : {}),
      ...(ref ? { objectRef: ref } : {}),
      ...(typeof code === 'number' ? { responseCode: code } : {}),
      ...(decision ? { decision } : {}),
      ...(reason ? { reason } : {}),
      time: new Date(Date.parse(time)).toISOString(),
      ...(request ? { request } : {}),
    };
    return { ok: true, value: event };
  } catch (error) {
    if (error instanceof FieldError) return fail('bad-field', error.message);
    throw error;
  }
}

/** One line of a JSON audit log. */
export function parseAuditLine(line: string, limits: AuditLimits = DEFAULT_AUDIT_LIMITS): Parsed<AuditEvent> {
  const parsed = parseBoundedJson(line, limits);
  return parsed.ok ? auditEventFrom(parsed.value, limits) : parsed;
}

/**
 * An `audit.k8s.io/v1` EventList, as the webhook backend posts it: each event parsed on its
 * own, so one bad event is reported without losing the others.
 */
export function parseEventList(text: string, limits: AuditLimits = DEFAULT_AUDIT_LIMITS, maxBytes = limits.maxEventBytes * 8): Parsed<{ events: AuditEvent[]; errors: AuditInputError[] }> {
  const parsed = parseBoundedJson(text, limits, maxBytes);
  if (!parsed.ok) return parsed;
  const list = parsed.value;
  if (!isObject(list) || list.kind !== 'EventList' || !Array.isArray(list.items)) return fail('not-an-event', 'the body must be an audit.k8s.io EventList with items');
  if (list.items.length > limits.maxEvents) return fail('too-many', `more than ${limits.maxEvents} events in one list`);
  const events: AuditEvent[] = [];
  const errors: AuditInputError[] = [];
  for (const [index, item] of list.items.entries()) {
    const event = auditEventFrom(item, limits);
    if (event.ok) events.push(event.value);
    else errors.push({ code: event.error.code, message: `items[${index}]: ${event.error.message}` });
  }
  return { ok: true, value: { events, errors } };
}

/** Falco output fields kept: where it happened and what ran, never the command line or file contents. */
const FALCO_FIELDS = ['k8s.ns.name', 'k8s.pod.name', 'container.id', 'container.name', 'container.image.repository', 'container.image.tag', 'proc.name', 'user.name', 'evt.type'] as const;

/**
 * A Falco alert (its JSON output: `json_output: true`, posted by `http_output`) as an event:
 * the pod it names is the object, the rule is in `falco`. Falco's `output` text is not kept:
 * it renders the command line, which may carry credentials.
 */
export function falcoEventFrom(value: unknown, limits: AuditLimits = DEFAULT_AUDIT_LIMITS): Parsed<AuditEvent> {
  if (!isObject(value)) return fail('not-an-event', 'a Falco alert must be a JSON object');
  try {
    const rule = str(value.rule, 'rule', limits, true);
    const priority = str(value.priority, 'priority', limits, true);
    const time = str(value.time, 'time', limits, true);
    if (Number.isNaN(Date.parse(time))) throw new FieldError('time is not a time');
    const raw = value.output_fields;
    if (raw !== undefined && raw !== null && !isObject(raw)) throw new FieldError('output_fields must be an object');
    const fields: Record<string, string> = {};
    for (const key of FALCO_FIELDS) {
      const field = isObject(raw) ? raw[key] : undefined;
      if (typeof field === 'string' && field !== '' && field !== '<NA>') fields[key] = field.slice(0, 253);
    }
    const namespace = fields['k8s.ns.name'];
    const pod = fields['k8s.pod.name'];
    const hostname = str(value.hostname, 'hostname', limits);
    const iso = new Date(Date.parse(time)).toISOString();
    const event: AuditEvent = {
      source: 'falco',
      // Falco alerts carry no ID: the rule, the time and the container identify one.
      auditID: `falco:${iso}:${rule.slice(0, 128)}:${fields['container.id'] ?? hostname ?? ''}`,
      stage: 'ResponseComplete',
      level: 'Metadata',
      verb: 'runtime',
      requestURI: '',
      user: { username: fields['user.name'] ? `falco:${fields['user.name']}` : 'falco:unknown', groups: [] },
      sourceIPs: [],
      ...(pod ? { objectRef: { resource: 'pods', ...(namespace ? { namespace } : {}), name: pod, apiVersion: 'v1' } } : {}),
      time: iso,
      falco: { rule, priority, tags: strings(value.tags, 'tags', limits, 64), fields },
    };
    return { ok: true, value: event };
  } catch (error) {
    if (error instanceof FieldError) return fail('bad-field', error.message);
    throw error;
  }
}

/** Who acted: the impersonated user when there is one, else who authenticated. */
export function actingUser(event: AuditEvent): UserInfo {
  return event.impersonatedUser ?? event.user;
}

/** Whether the API server let the request through (its decision annotation; else not a 401 or 403). */
export function allowed(event: AuditEvent): boolean {
  if (event.decision !== undefined) return event.decision === 'allow';
  return event.responseCode === undefined || (event.responseCode !== 401 && event.responseCode !== 403);
}

/** `system:serviceaccount:NS:NAME` as namespace and name. */
export function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return match ? { namespace: match[1]!, name: match[2]! } : undefined;
}
