/**
 * palisade watch, the use case: the findings of a live inventory kept current change by
 * change. Each change re-evaluates the objects the planner names (core/watch/plan.ts), the
 * difference with what those objects had becomes lifecycle events (opened, resolved, reopened,
 * with the change that caused them), and the events are recorded in the finding store.
 * The inventory is fed by someone else (the informers, or a test): the watcher is told after.
 */
import { compilePlan, evaluateResource, type CompiledPlan, type Evaluation } from '../core/engine/run.js';
import type { ScanPlan } from '../core/engine/config.js';
import { ownedByScannedController } from '../core/engine/ownership.js';
import type { IncrementalInventory, ObjectIdentity } from '../core/inventory/inventory.js';
import type { Finding } from '../core/model/finding.js';
import type { ObjectRef, Resource } from '../core/model/resource.js';
import type { FindingCause, FindingEvent, FindingHistory, FindingStore } from '../core/ports/findings.js';
import { createPlanner, type ReevaluationPlanner } from '../core/watch/plan.js';
import { findingKey } from './findings.js';

export interface WatcherOptions {
  inventory: IncrementalInventory;
  plan: ScanPlan;
  /** The store's scope of these findings (`cluster:prod`). */
  scope: string;
  store?: FindingStore & FindingHistory;
  /** Only objects this accepts are evaluated (-n NS); every object is still read. */
  accepts?: (ref: ObjectRef) => boolean;
  /** Which objects a change re-evaluates (default: createPlanner over the plan's checks); tests pass a wrong one. */
  planner?: ReevaluationPlanner;
}

interface Open {
  finding: Finding;
  firstSeen: string;
}

export interface Watcher {
  /**
   * Evaluates every object (after the initial sync) and reconciles with the store: findings it
   * held that are still there are still-open (their first-seen time kept), new ones opened (or
   * reopened), and those gone resolved.
   */
  start(now: Date): Promise<FindingEvent[]>;
  /**
   * The inventory changed (already applied): re-evaluate, and return and record what changed.
   * `before`: what a replaced or deleted object was (the inventory's upsert returns it), so a
   * change that alters nothing other objects' checks read re-evaluates the object alone.
   */
  changed(cause: FindingCause, now: Date, before?: Resource): Promise<FindingEvent[]>;
  /** The same without recording (synchronous), for tests and callers that record themselves. */
  evaluateChange(cause: FindingCause, now: Date, before?: Resource): FindingEvent[];
  /** The current findings, object by object in inventory order. */
  findings(): Finding[];
}

function identityKey(identity: ObjectIdentity): string {
  return `${identity.kind}\u0000${identity.namespace ?? ''}\u0000${identity.name}`;
}

export function createWatcher(options: WatcherOptions): Watcher {
  const { inventory, store, scope } = options;
  const compiled: CompiledPlan = compilePlan(options.plan);
  const checkOptions = new Map(options.plan.checks.map((planned) => [planned.check.id, planned.options as Readonly<Record<string, unknown>>]));
  const planner: ReevaluationPlanner = options.planner ?? createPlanner(options.plan.checks.map((planned) => planned.check), (id) => checkOptions.get(id));
  /** Findings of each object, by object identity. */
  const byObject = new Map<string, Finding[]>();
  /** Open findings by finding key. */
  const open = new Map<string, Open>();
  /** Keys resolved before (in the store's history or in this session): a return is a reopening. */
  const resolvedBefore = new Set<string>();

  /** Plans of some checks only, by their sorted ids. */
  const partial = new Map<string, CompiledPlan>();
  const compiledFor = (checks: ReadonlySet<string> | undefined): CompiledPlan => {
    if (!checks) return compiled;
    const id = [...checks].sort().join(',');
    let plan = partial.get(id);
    if (!plan) partial.set(id, (plan = compilePlan({ ...options.plan, checks: options.plan.checks.filter((planned) => checks.has(planned.check.id)) })));
    return plan;
  };

  /** The object's findings of these checks (every check when undefined); none when it is gone, controlled or not watched. */
  const evaluate = (identity: ObjectIdentity, checks?: ReadonlySet<string>): Finding[] => {
    const resource = inventory.find(identity.kind, identity.namespace, identity.name);
    if (!resource || ownedByScannedController(resource, inventory)) return [];
    if (options.accepts && !options.accepts(resource.ref)) return [];
    const out: Evaluation = { findings: [], suppressed: [], errors: [] };
    evaluateResource(resource, inventory, compiledFor(checks), out);
    return out.findings;
  };

  const opened = (key: string, finding: Finding, at: string, cause?: FindingCause): FindingEvent => {
    const event: FindingEvent = { event: resolvedBefore.has(key) ? 'reopened' : 'opened', key, finding, at, firstSeen: at, ...(cause ? { cause } : {}) };
    open.set(key, { finding, firstSeen: at });
    return event;
  };
  const resolved = (key: string, at: string, cause?: FindingCause): FindingEvent => {
    const was = open.get(key)!;
    open.delete(key);
    resolvedBefore.add(key);
    return { event: 'resolved', key, finding: was.finding, at, firstSeen: was.firstSeen, ...(cause ? { cause } : {}) };
  };

  const evaluateChange = (cause: FindingCause, now: Date, before?: Resource): FindingEvent[] => {
    const at = now.toISOString();
    const events: FindingEvent[] = [];
    const { objects } = planner.plan(cause, inventory, before);
    for (const identity of objects) {
      const id = identityKey(identity);
      const { checks } = identity;
      const held = byObject.get(id) ?? [];
      // Findings of the checks not run again stay as they were.
      const kept = checks ? held.filter((finding) => !checks.has(finding.checkId)) : [];
      const before = new Set((checks ? held.filter((finding) => checks.has(finding.checkId)) : held).map(findingKey));
      const after = [...kept, ...evaluate(identity, checks)];
      if (after.length > 0) byObject.set(id, after);
      else byObject.delete(id);
      const afterKeys = new Set<string>();
      for (const finding of after.slice(kept.length)) {
        const key = findingKey(finding);
        afterKeys.add(key);
        const current = open.get(key);
        if (current) current.finding = finding;
        else events.push(opened(key, finding, at, cause));
      }
      for (const key of before) if (!afterKeys.has(key) && open.has(key)) events.push(resolved(key, at, cause));
    }
    return events;
  };

  return {
    async start(now) {
      const at = now.toISOString();
      byObject.clear();
      open.clear();
      for (const resource of inventory.resources) {
        const found = evaluate(resource.ref);
        if (found.length > 0) byObject.set(identityKey(resource.ref), found);
      }
      const current = new Map<string, Finding>();
      for (const found of byObject.values()) for (const finding of found) current.set(findingKey(finding), finding);
      const stored = store ? new Map((await store.latest({ scope })).map((item) => [item.key, item])) : new Map();
      if (store) for (const key of await store.resolvedKeys(scope)) resolvedBefore.add(key);
      const events: FindingEvent[] = [];
      for (const [key, finding] of current) {
        const before = stored.get(key);
        if (before) {
          open.set(key, { finding, firstSeen: before.firstSeen });
          events.push({ event: 'still-open', key, finding, at, firstSeen: before.firstSeen });
        } else events.push(opened(key, finding, at));
      }
      for (const [key, before] of stored) {
        if (current.has(key)) continue;
        open.set(key, { finding: before.finding, firstSeen: before.firstSeen });
        events.push(resolved(key, at));
      }
      if (store) await store.recordEvents(scope, events);
      return events;
    },
    async changed(cause, now, before) {
      const events = evaluateChange(cause, now, before);
      if (store) await store.recordEvents(scope, events);
      return events;
    },
    evaluateChange,
    findings() {
      const out: Finding[] = [];
      for (const resource of inventory.resources) out.push(...(byObject.get(identityKey(resource.ref)) ?? []));
      return out;
    },
  };
}
