/**
 * The wording of findings about pod-level settings that containers inherit,
 * shared by the pod-security checks.
 */
import type { ContainerView, EffectiveSecurityContext, Workload } from '../../kinds/pod-spec.js';
import type { ViolationData } from '../../model/check.js';

/** `"a", "b"`, the way Pod Security Admission quotes names. */
export function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

/**
 * How a finding about a pod-level setting says who it reaches, as a clause that
 * ends the sentence: the containers that inherit it, or, when every container
 * sets its own, that containers added later (ephemeral debug containers) still would.
 */
const HEIR_CLAUSES = {
  Heir: ', inherited by container {{heirs}}',
  Heirs: ', inherited by containers {{heirs}}',
  NoHeir: '; no container inherits it (each sets its own), but containers added later, such as ephemeral debug containers, would',
} as const;

export type HeirId<K extends string> = `${K}${keyof typeof HEIR_CLAUSES}`;

/** The templates of pod-level findings: each sentence shape followed by each heir clause (ids `<id>Heir`, `<id>Heirs`, `<id>NoHeir`). */
export function heirMessages<K extends string>(messages: Readonly<Record<K, string>>): Readonly<Record<HeirId<K>, string>> {
  const out: Record<string, string> = {};
  for (const [id, template] of Object.entries<string>(messages)) {
    for (const [suffix, clause] of Object.entries(HEIR_CLAUSES)) out[`${id}${suffix}`] = `${template}${clause}`;
  }
  return out as Record<HeirId<K>, string>;
}

/** Message `messageId` (of heirMessages) with the heir clause for the containers that inherit the setting, and `data`. */
export function describeHeirs<K extends string>(
  messageId: K,
  workload: Workload,
  inherits: (container: ContainerView) => boolean,
  data: ViolationData = {},
): { messageId: HeirId<K>; data: ViolationData } {
  const heirs = workload.containers.filter(inherits).map((container) => container.name);
  if (heirs.length === 0) return { messageId: `${messageId}NoHeir`, data };
  return { messageId: heirs.length === 1 ? `${messageId}Heir` : `${messageId}Heirs`, data: { ...data, heirs: quoteAll(heirs) } };
}

/** describeHeirs for a field the container overrides as a whole (container.effective). */
export function inheritedBy<K extends string>(messageId: K, workload: Workload, field: keyof EffectiveSecurityContext, data: ViolationData = {}): { messageId: HeirId<K>; data: ViolationData } {
  return describeHeirs(messageId, workload, (container) => container.effective[field]?.inherited === true, data);
}
