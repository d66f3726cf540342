/**
 * The RBAC use case: objects in (manifests or a cluster, read by the caller), the effective
 * permissions model built once, one question answered as a view every output renders.
 */
import type { Resource } from '../core/model/resource.js';
import { escalationsView, findEscalations, type EscalationsView } from '../core/rbac/escalation.js';
import { buildRbacModel, type AccessRequest, type RbacModel } from '../core/rbac/model.js';
import { identityOf, type Subject } from '../core/rbac/subjects.js';
import { canView, graphView, permissionsView, whoCanView, type CanView, type GraphView, type PermissionsView, type WhoCanView } from '../core/rbac/views.js';

export type RbacQuestion =
  /** Every subject allowed; `anyNamespace` also lists grants limited to one namespace (no -n). */
  | { kind: 'who-can'; request: AccessRequest; anyNamespace: boolean }
  /** Whether the subject (a user in `groups` too) may make the request. */
  | { kind: 'can'; subject: Subject; groups?: readonly string[]; request: AccessRequest }
  /** The subject's effective rules, cluster-wide and per namespace. */
  | { kind: 'permissions'; subject: Subject; groups?: readonly string[] }
  /** Chains of steps by which subjects reach stronger identities. */
  | { kind: 'escalations' }
  /** Subjects, bindings and roles as a graph. */
  | { kind: 'graph' };

interface Views {
  'who-can': WhoCanView;
  can: CanView;
  permissions: PermissionsView;
  escalations: EscalationsView;
  graph: GraphView;
}

export interface RbacAnswer<V> {
  model: RbacModel;
  view: V;
  /** The answer the exit code signals: can: denied; escalations: paths found. */
  flagged: boolean;
}

/** An input that did not load: a file (and line) or a cluster read, and what went wrong. */
export interface FailedInput {
  file: string;
  line?: number;
  message: string;
}

/**
 * Builds the model from the objects and answers one question. `errors`: the inputs that
 * failed to load; `can` then answers unknown rather than no.
 */
export function answerRbac<Q extends RbacQuestion>(input: { resources: readonly Resource[]; errors?: readonly FailedInput[] } | RbacModel, question: Q): RbacAnswer<Views[Q['kind']]> {
  const model = 'resources' in input ? buildRbacModel(input.resources) : input;
  const failed = 'resources' in input ? (input.errors ?? []).map((error) => `${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}`) : [];
  const answered = answer(model, question, failed);
  // A list built from what loaded is not the whole answer: every list says so (`can` says
  // "unknown" itself, the graph is drawn from what loaded).
  if (failed.length > 0 && (answered.view.kind === 'WhoCan' || answered.view.kind === 'Permissions' || answered.view.kind === 'Escalations')) answered.view.incomplete = [...failed];
  return { model, ...answered } as RbacAnswer<Views[Q['kind']]>;
}

function answer(model: RbacModel, question: RbacQuestion, failed: readonly string[]): { view: Views[RbacQuestion['kind']]; flagged: boolean } {
  switch (question.kind) {
    case 'who-can':
      return { view: whoCanView(model, question.request, question.anyNamespace), flagged: false };
    case 'can': {
      const view = canView(model, question.subject, identityOf(question.subject, [...(question.groups ?? [])]), question.request, failed);
      return { view, flagged: view.answer !== 'yes' };
    }
    case 'permissions':
      return { view: permissionsView(model, question.subject, identityOf(question.subject, [...(question.groups ?? [])])), flagged: false };
    case 'escalations': {
      const view = escalationsView(findEscalations(model));
      return { view, flagged: view.paths.length > 0 };
    }
    case 'graph':
      return { view: graphView(model), flagged: false };
  }
}
