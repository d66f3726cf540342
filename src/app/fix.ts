/**
 * The fix use case (`palisade fix`): scan, take the findings whose check has a mechanical fix,
 * write the fixes into the manifests' text in memory (comments and formatting kept), rescan the
 * new text and keep as fixed only what the rescan no longer reports. Nothing is written here:
 * the caller shows the diffs and, when asked, writes the new text (an adapter's job).
 *
 * Only plain manifest files are edited. A Helm chart's objects come from templates, which are
 * never touched; a Kustomize directory's objects come from bases an overlay may share, so a
 * patch for the overlay is proposed instead.
 */
import { editKey, fixEdits, strategicMergePatch, withEdits, type KustomizeOverlay } from '../core/engine/fixes.js';
import type { ScanPlan } from '../core/engine/config.js';
import type { AnyCheck, FixEdit } from '../core/model/check.js';
import type { Finding } from '../core/model/finding.js';
import type { Resource } from '../core/model/resource.js';
import { sourceLabel } from '../core/model/source.js';
import { loadText, type LoadResult, type TextLoadOptions } from '../adapters/manifests/documents.js';
import { editJson, editYaml, patchFile, unifiedDiff, type ObjectEdits } from '../adapters/manifests/edit.js';
import { ALL_CHECKS } from '../core/checks/index.js';
import { planScan, scanResources, type ScanInput } from './scan.js';

/**
 * What became of one fixable finding:
 * - `fixed`: the edit was made and the rescan no longer reports the finding;
 * - `todo`: a comment asks a person for a value (a probe, a resource amount); the finding stays;
 * - `not-fixed`: the edit was made, but the rescan still reports the finding;
 * - `refused`: no edit was made (a Helm template, an alias, stdin, formatting that cannot be kept), `reason` says why;
 * - `patch`: a Kustomize object, fixed by the proposed overlay patch (the rescan of the patched object no longer reports it).
 */
export type FixStatus = 'fixed' | 'todo' | 'not-fixed' | 'refused' | 'patch';

export interface FixOutcome {
  finding: Finding;
  status: FixStatus;
  /** what the check's fix does */
  fix: string;
  reason?: string;
}

/** A manifest file the fixes change. */
export interface FileChange {
  path: string;
  before: string;
  after: string;
}

/** A strategic merge patch proposed for a Kustomize directory (an overlay), instead of editing its bases. */
export interface KustomizePatch {
  /** the Kustomize directory */
  directory: string;
  /** the patch file's text: one document per object */
  text: string;
}

export interface FixResult {
  outcomes: FixOutcome[];
  files: FileChange[];
  patches: KustomizePatch[];
  /** findings the selected checks report that have no mechanical fix */
  unfixable: number;
  /**
   * Lines of each file (by path, 1-based) where a credential check finds a secret value: a diff
   * never prints them (its context lines would otherwise show the value).
   */
  sensitiveLines: ReadonlyMap<string, ReadonlySet<number>>;
}

export interface FixRequest {
  plan: ScanPlan;
  version: string;
  /** the text of every manifest file the input was read from, by path */
  texts: ReadonlyMap<string, string>;
  /** files never to edit, by path, with the reason (a Helm template read as a plain file) */
  refusedFiles?: ReadonlyMap<string, string>;
  /** how the files were read (the namespace given to objects that name none), to reread them the same way */
  load?: TextLoadOptions;
  /** the name transformers of each Kustomize directory read (its kustomization.yaml), by directory */
  overlays?: ReadonlyMap<string, KustomizeOverlay>;
}

interface Pending {
  finding: Finding;
  check: AnyCheck;
  resource: Resource;
  edits: readonly FixEdit[];
}

const HELM_REFUSAL = 'rendered from a Helm chart: palisade fix never edits templates; set it in the chart (its values or the template) by hand';

/** The findings of the input that the checks can fix, fixed in memory and proven by a rescan. */
export function fixManifests(input: ScanInput, request: FixRequest): FixResult {
  const { plan, version } = request;
  const checks = new Map(plan.checks.map((planned) => [planned.check.id, planned.check]));
  const scanned = scanResources(input, { plan, version, allowEmpty: true });
  const byObject = indexResources(input.resources);
  const outcomes: FixOutcome[] = [];
  const pending: Pending[] = [];
  let unfixable = 0;
  for (const finding of scanned.evaluation.findings) {
    const check = checks.get(finding.checkId);
    const resource = byObject.get(objectKey(finding));
    const edits = check && resource ? fixEdits(check, resource.object, finding) : [];
    if (!check?.fix || !resource || edits.length === 0) {
      unfixable++;
      continue;
    }
    const fix = check.fix.description;
    const source = finding.source;
    if (source.kind === 'rendered' && source.renderer === 'helm') outcomes.push({ finding, status: 'refused', fix, reason: HELM_REFUSAL });
    else if (source.kind === 'file' || (source.kind === 'rendered' && source.renderer === 'kustomize')) pending.push({ finding, check, resource, edits });
    else outcomes.push({ finding, status: 'refused', fix, reason: `read from ${sourceLabel(source)}: there is no file to write the fix to` });
  }

  // Files: every object's edits made once, in its file's text.
  const files: FileChange[] = [];
  const refusedEdits = new Map<Pending, string>();
  const byFile = groupBy(pending.filter((item) => item.finding.source.kind === 'file'), (item) => (item.finding.source as { path: string }).path);
  const newTexts = new Map<string, string>();
  for (const [path, items] of byFile) {
    const refusal = request.refusedFiles?.get(path);
    if (refusal !== undefined) {
      for (const item of items) refusedEdits.set(item, refusal);
      continue;
    }
    const before = request.texts.get(path);
    if (before === undefined) {
      for (const item of items) refusedEdits.set(item, 'the file could not be read again');
      continue;
    }
    const objects = new Map<Resource, ObjectEdits>();
    for (const item of items) {
      let entry = objects.get(item.resource);
      if (!entry) {
        const { origin, ref } = item.resource;
        entry = { document: origin.document, ...(origin.listIndex !== undefined ? { listIndex: origin.listIndex } : {}), kind: ref.kind, name: ref.name, edits: [] };
        objects.set(item.resource, entry);
      }
      const known = new Set(entry.edits.map(editKey));
      entry.edits = [...entry.edits, ...item.edits.filter((edit) => !known.has(editKey(edit)))];
    }
    const edited = (path.toLowerCase().endsWith('.json') ? editJson : editYaml)(before, [...objects.values()]);
    const refusedKeys = new Map<string, string>();
    for (const refusal of edited.refused) {
      if (refusal.edit) refusedKeys.set(`${refusal.document}/${refusal.listIndex ?? ''}/${editKey(refusal.edit)}`, refusal.reason);
    }
    for (const item of items) {
      const { document, listIndex } = item.resource.origin;
      const reason = item.edits.map((edit) => refusedKeys.get(`${document}/${listIndex ?? ''}/${editKey(edit)}`)).find((found) => found !== undefined);
      if (reason !== undefined) refusedEdits.set(item, reason);
    }
    if (edited.text !== before) {
      files.push({ path, before, after: edited.text });
      newTexts.set(path, edited.text);
    }
  }

  // Kustomize: one patch per directory; the rescan sees the objects as the patch would make them.
  const patches: KustomizePatch[] = [];
  const patched = new Map<Resource, Resource>();
  const byDirectory = groupBy(pending.filter((item) => item.finding.source.kind === 'rendered'), (item) => (item.finding.source as { directory: string }).directory);
  for (const [directory, items] of byDirectory) {
    const documents: Array<{ patch: object; todos: string[] }> = [];
    for (const [resource, own] of groupBy(items, (item) => item.resource)) {
      const seen = new Set<string>();
      const edits = own.flatMap((item) => item.edits).filter((edit) => !seen.has(editKey(edit)) && seen.add(editKey(edit)));
      const result = strategicMergePatch(resource.object, edits, request.overlays?.get(directory));
      if ('problem' in result) {
        for (const item of own) refusedEdits.set(item, result.problem);
        continue;
      }
      documents.push(result);
      patched.set(resource, { ...resource, object: withEdits(resource.object, edits) });
    }
    if (documents.length > 0) patches.push({ directory, text: patchFile(documents) });
  }

  // The rescan: the new text of each changed file, the patched Kustomize objects, the rest as read.
  const changed = new Set(newTexts.keys());
  const rescanInput: LoadResult = { resources: [], errors: [...input.errors], skipped: [...input.skipped] };
  for (const resource of input.resources) {
    const source = resource.origin.source;
    if (source.kind === 'file' && changed.has(source.path)) continue;
    rescanInput.resources.push(patched.get(resource) ?? resource);
  }
  for (const [path, text] of newTexts) loadText(text, path, request.load ?? {}, rescanInput);
  const rescanned = scanResources(rescanInput, { plan, version, allowEmpty: true });
  const remaining = new Set(rescanned.evaluation.findings.map(sameFinding));

  for (const item of pending) {
    const fix = item.check.fix!.description;
    const refused = refusedEdits.get(item);
    const finding = item.finding;
    if (refused !== undefined) outcomes.push({ finding, status: 'refused', fix, reason: refused });
    else if (item.edits.every((edit) => edit.kind === 'todo')) outcomes.push({ finding, status: 'todo', fix, reason: 'needs a value only a person can choose: see the TODO comment' });
    else if (remaining.has(sameFinding(finding))) outcomes.push({ finding, status: 'not-fixed', fix, reason: 'still reported after the fix' });
    else outcomes.push({ finding, status: finding.source.kind === 'rendered' ? 'patch' : 'fixed', fix });
  }
  return { outcomes: outcomes.sort(byPosition), files, patches, unfixable, sensitiveLines: sensitiveLinesOf(input, request) };
}

/**
 * Where the input holds credentials, whatever checks the fix was asked for: every check of the
 * secrets category is run for this, so `--check run-as-root` still never shows a value.
 */
function sensitiveLinesOf(input: ScanInput, request: FixRequest): Map<string, Set<number>> {
  const ids = ALL_CHECKS.filter((check) => check.category === 'secrets').map((check) => check.id);
  const plan = planScan({ now: request.plan.now, only: ids, inlineExceptions: false }, undefined, { allowEmpty: true });
  const lines = new Map<string, Set<number>>();
  for (const finding of scanResources(input, { plan, version: request.version, allowEmpty: true }).evaluation.findings) {
    if (finding.source.kind !== 'file' || finding.location.line === undefined) continue;
    let set = lines.get(finding.source.path);
    if (!set) lines.set(finding.source.path, (set = new Set()));
    set.add(finding.location.line);
  }
  return lines;
}

/** The diffs of a result: each changed file, then each proposed patch as a new file. */
export function fixDiff(result: FixResult, relative: (path: string) => string, patchPath: (directory: string) => string): string {
  return [
    ...result.files.map((file) => unifiedDiff(relative(file.path), file.before, file.after, { masked: result.sensitiveLines.get(file.path) })),
    ...result.patches.map((patch) => unifiedDiff(relative(patchPath(patch.directory)), '', patch.text, { created: true })),
  ].join('');
}

/**
 * A finding found again, whatever its path: the same check on the same object, container and
 * artifact. A fix that only moved a finding (to another field of the container) has not fixed it.
 */
function sameFinding(finding: Finding): string {
  const { apiVersion, kind, namespace, name } = finding.object;
  return JSON.stringify([finding.checkId, apiVersion, kind, namespace ?? '', name, finding.container ?? '', sourceLabel(finding.source), finding.location.document]);
}

function objectKey(finding: Pick<Finding, 'source' | 'location' | 'object'>): string {
  const { kind, namespace, name } = finding.object;
  return JSON.stringify([sourceLabel(finding.source), finding.location.document, kind, namespace ?? '', name]);
}

function indexResources(resources: readonly Resource[]): Map<string, Resource> {
  const index = new Map<string, Resource>();
  for (const resource of resources) index.set(objectKey({ source: resource.origin.source, location: { document: resource.origin.document, path: '' }, object: resource.ref }), resource);
  return index;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function byPosition(a: FixOutcome, b: FixOutcome): number {
  const fileA = sourceLabel(a.finding.source);
  const fileB = sourceLabel(b.finding.source);
  if (fileA !== fileB) return fileA < fileB ? -1 : 1;
  return (a.finding.location.line ?? 0) - (b.finding.location.line ?? 0) || (a.finding.checkId < b.finding.checkId ? -1 : a.finding.checkId > b.finding.checkId ? 1 : 0);
}
