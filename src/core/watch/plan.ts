import type { AnyCheck } from '../model/check.js';
import type { Inventory, ObjectIdentity } from '../inventory/inventory.js';
import { ANY_KIND, changeMatters, memberShared, type AnyAnalysis, type Member, type ObjectVersions, type ReadScope, type Significant } from '../inventory/analysis.js';
import { checkNeeds, type CheckNeeds } from '../inventory/reads.js';
import { controllerReference } from '../engine/ownership.js';
import type { Resource } from '../model/resource.js';

/**
 * Which objects a watcher re-evaluates when one object changes (added, replaced or deleted):
 * the object itself, with every check; for every check that reads the changed kind (directly or
 * through an analysis), the objects that check applies to in the change's namespace ('namespace'
 * scope) or in the whole inventory ('cluster' scope), with that check only (a change anywhere
 * must not run every check on every pod), unless the change leaves what the check reads of
 * that object as it was (the `significant` part its analyses and lookups declare: a new image
 * or security context changes no network or RBAC model); and, with every check, the objects it controls
 * (ownerReferences), whose findings the engine reports on the controller while it exists.
 * Precise per check, simple per object: correctness is judged by a property test comparing
 * the watcher with a fresh scan after every change.
 */

export type ObjectChange = ObjectIdentity;

/** An object to evaluate again: with every check, or only with those that read the change. */
export interface PlannedObject extends ObjectIdentity {
  /** Ids of the checks to run again; absent: every check (the changed object, the objects it controls). */
  checks?: ReadonlySet<string>;
}

export interface Reevaluation {
  /** Objects to evaluate again, each once, the changed object first. Some may no longer exist (deleted). */
  objects: PlannedObject[];
}

interface Reader {
  id: string;
  needs: CheckNeeds;
  kinds: ReadonlySet<string>;
  /** Kinds it looks up itself (not through analyses), and what of them it reads. */
  direct: ReadonlySet<string>;
  significant: Significant | undefined;
  member: Member | undefined;
  /** Its analyses with their own kinds (those they use are listed too). */
  analyses: Array<{ analysis: AnyAnalysis; reads: ReadonlySet<string> }>;
  scope: ReadScope;
  /** How far its own lookups reach (reads.lookups, else its scope). */
  lookups: ReadScope;
  /** Its options in the plan, for `significant` functions that read them. */
  options: Readonly<Record<string, unknown>> | undefined;
}

/** The change's namespace: its own, or its name for a Namespace; undefined for other cluster-scoped objects (read from every namespace). */
function namespaceOf(change: ObjectChange): string | undefined {
  return change.kind === 'Namespace' ? change.name : change.namespace;
}

function identityKey(identity: ObjectIdentity): string {
  return `${identity.kind}\u0000${identity.namespace ?? ''}\u0000${identity.name}`;
}

export interface ReevaluationPlanner {
  /**
   * `before`: what a replaced object was (the inventory's upsert returns it); without it a
   * modification counts as changing every field.
   */
  plan(change: ObjectChange, inventory: Inventory, before?: Resource): Reevaluation;
}

/**
 * How far the change reaches for this reader: 'none' when it alters nothing the reader reads of
 * other objects than the one it evaluates; else the reader's scope, or the narrower scope of its
 * own lookups when only they are touched (`reads.lookups`, held to by test/check-reads.test.ts;
 * analyses keep the reader's scope, since a keyed analysis may be asked about any namespace).
 */
function reachOf(reader: Reader, change: ObjectVersions, memo: Map<unknown, boolean>, sharedMemo: Map<Member, boolean>, inventory: Inventory): ReadScope | 'none' {
  const matters = (reads: ReadonlySet<string>, significant: Significant | undefined, member: Member | undefined): boolean => {
    if (!changeMatters(reads, significant, change, memo, reader.options)) return false;
    // An addition or deletion: the reader may hold its objects as a set of member values.
    if (!member || (change.before && change.after)) return true;
    // A function that reads options answers per option set: not shared through the memo.
    const key = member.length < 3 || reader.options === undefined ? member : undefined;
    const known = key ? sharedMemo.get(key) : undefined;
    if (known !== undefined) return !known;
    const covered = memberShared(member, change, inventory, reader.options);
    if (key) sharedMemo.set(key, covered);
    return !covered;
  };
  if (reader.analyses.some(({ analysis, reads }) => matters(reads, analysis.significant, analysis.member))) return reader.scope;
  return matters(reader.direct, reader.significant, reader.member) ? reader.lookups : 'none';
}


/**
 * A planner for these checks (the plan's): what each reads and applies to is computed once.
 * `optionsOf`: each check's options in the plan (without it, `significant` functions answer for any options).
 */
export function createPlanner(checks: readonly AnyCheck[], optionsOf?: (checkId: string) => Readonly<Record<string, unknown>> | undefined): ReevaluationPlanner {
  const readers: Reader[] = checks.map((check) => {
    const needs = checkNeeds(check);
    const scope: ReadScope = needs.scope === 'cluster' ? 'cluster' : 'namespace';
    return {
      id: check.id,
      needs,
      kinds: new Set(needs.reads),
      direct: new Set(check.reads?.kinds ?? []),
      significant: check.reads?.significant,
      member: check.reads?.member,
      analyses: [...needs.analyses].map((analysis) => ({ analysis, reads: new Set(analysis.reads) })),
      scope,
      lookups: check.reads?.lookups ?? scope,
      options: optionsOf?.(check.id),
    };
  });
  // Per changed kind: the readers of that kind, cached.
  const byKind = new Map<string, Reader[]>();
  const readersOf = (kind: string): Reader[] => {
    let list = byKind.get(kind);
    if (!list) {
      list = readers.filter((reader) => reader.needs.scope !== 'object' && (reader.kinds.has(kind) || reader.kinds.has(ANY_KIND)));
      byKind.set(kind, list);
    }
    return list;
  };
  return {
    plan(change, inventory, before) {
      const planned = new Map<string, PlannedObject & { checks?: Set<string> }>();
      let only: string | undefined;
      /** Plans an object for the reader `only` (a check id), or for every check when undefined. */
      const add = (identity: ObjectIdentity) => {
        const key = identityKey(identity);
        const existing = planned.get(key);
        if (existing) {
          // Every check already, or one more check.
          if (existing.checks && only !== undefined) existing.checks.add(only);
          else if (only === undefined) delete existing.checks;
          return;
        }
        planned.set(key, { kind: identity.kind, ...(identity.namespace !== undefined ? { namespace: identity.namespace } : {}), name: identity.name, ...(only !== undefined ? { checks: new Set([only]) } : {}) });
      };
      add(change);
      const namespace = namespaceOf(change);
      // What it was against what it is now (a later change may be queued behind this one); without
      // what it was (an addition, or a caller that does not know), the change may matter to anything.
      const versions: ObjectVersions = { kind: change.kind, before, after: inventory.find(change.kind, change.namespace, change.name) };
      const memo = new Map<unknown, boolean>();
      const sharedMemo = new Map<Member, boolean>();
      for (const reader of readersOf(change.kind)) {
        const reach = reachOf(reader, versions, memo, sharedMemo, inventory);
        if (reach === 'none') continue;
        only = reader.id;
        const kinds = reader.needs.appliesTo;
        if (kinds.length === 0) continue;
        if (reach === 'cluster' || namespace === undefined) {
          for (const resource of inventory.ofKinds(kinds)) add(resource.ref);
          continue;
        }
        // 'namespace': the objects of the namespace, the Namespace itself, and cluster-scoped objects (no namespace to narrow by).
        for (const resource of inventory.ofKindsIn(kinds, namespace)) add(resource.ref);
        for (const kind of kinds) {
          if (kind === 'Namespace') {
            const object = inventory.find('Namespace', undefined, namespace);
            if (object) add(object.ref);
          } else for (const resource of inventory.ofKind(kind)) if (resource.ref.namespace === undefined) add(resource.ref);
        }
      }
      only = undefined;
      // Objects this one controls: their findings move between them and it as it comes and goes.
      if (change.namespace !== undefined) {
        for (const resource of inventory.inNamespace(change.namespace)) {
          const controller = controllerReference(resource);
          if (controller?.kind === change.kind && controller.name === change.name) add(resource.ref);
        }
      }
      return { objects: [...planned.values()] };
    },
  };
}
