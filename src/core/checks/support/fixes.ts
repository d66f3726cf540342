/**
 * Building blocks of the checks' mechanical fixes (`fix` beside `evaluate`): each fix finds
 * the container a finding is about and returns the edits that remove it.
 */
import type { ContainerView, Workload } from '../../kinds/pod-spec.js';
import type { CheckFix, FixContext, FixEdit, FixTarget, FixValue } from '../../model/check.js';

/** The container a finding names (by name, as the engine records it). */
export function fixedContainer(workload: Workload | undefined, finding: FixTarget): ContainerView | undefined {
  if (!workload || finding.container === undefined) return undefined;
  return workload.containers.find((container) => container.name === finding.container);
}

/**
 * A fix that sets one field of the finding's container securityContext, for the findings whose
 * message is one of `messageIds` (the others, such as a contradiction between two fields, need
 * a person).
 */
export function containerSecurityFix(description: string, field: string, value: FixValue, messageIds: readonly string[], comment?: string): CheckFix {
  return {
    description,
    edits({ workload }: FixContext, finding: FixTarget): FixEdit[] {
      if (finding.messageId === undefined || !messageIds.includes(finding.messageId)) return [];
      const container = fixedContainer(workload, finding);
      if (!container) return [];
      return [{ kind: 'set', path: [...container.securityContextPath, field], value, ...(comment ? { comment } : {}) }];
    },
  };
}

/** A fix that leaves a TODO comment on the finding's container: the value must be chosen by a person. */
export function containerTodoFix(description: string, comment: string): CheckFix {
  return {
    description,
    edits({ workload }: FixContext, finding: FixTarget): FixEdit[] {
      const container = fixedContainer(workload, finding);
      return container ? [{ kind: 'todo', path: container.path, comment }] : [];
    },
  };
}

/** The prefix of every comment `palisade fix` writes, so a person (and the next run) can find them. */
export const FIX_COMMENT = 'palisade:';
export const TODO_COMMENT = 'TODO(palisade):';
