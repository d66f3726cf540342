/**
 * The wording of findings about pod-level settings that containers inherit,
 * shared by the pod-security checks.
 */
import type { ContainerView, EffectiveSecurityContext, Workload } from '../../kinds/pod-spec.js';

/** `"a", "b"`, the way Pod Security Admission quotes names. */
export function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

/**
 * How a finding about a pod-level setting says who it reaches, as a clause to
 * append to the sentence: the containers that inherit it, or, when every
 * container sets its own, that containers added later (ephemeral debug
 * containers) still would.
 */
export function describeHeirs(workload: Workload, inherits: (container: ContainerView) => boolean): string {
  const heirs = workload.containers.filter(inherits).map((container) => container.name);
  if (heirs.length === 0) return '; no container inherits it (each sets its own), but containers added later, such as ephemeral debug containers, would';
  return `, inherited by ${heirs.length === 1 ? 'container' : 'containers'} ${quoteAll(heirs)}`;
}

/** describeHeirs for a field the container overrides as a whole (container.effective). */
export function inheritedBy(workload: Workload, field: keyof EffectiveSecurityContext): string {
  return describeHeirs(workload, (container) => container.effective[field]?.inherited === true);
}
