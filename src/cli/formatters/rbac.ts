import jsyaml from 'js-yaml';
import type { EscalationsView } from '../../core/rbac/escalation.js';
import { graphDot, qualified, ruleText, type CanView, type GrantView, type GraphView, type PermissionsView, type WhoCanView } from '../../core/rbac/views.js';
import { visible } from '../output/escape.js';
import { markdownTableChunks } from '../output/markdown-table.js';
import { defineOutputs, type Rendered } from '../output/registry.js';
import { tableChunks } from '../output/table.js';

/** The answer of `palisade rbac who-can`, `can`, `permissions` or `escalations`. */
export type RbacView = WhoCanView | CanView | PermissionsView | EscalationsView;

type TextFormat = 'table' | 'markdown';

function grantHeader(withSubject: boolean): string[] {
  return [...(withSubject ? ['SUBJECT'] : []), 'WHERE', 'BINDING', 'ROLE', 'RULE'];
}

function grantRows(grants: readonly GrantView[], withSubject: boolean): string[][] {
  return grants.map((grant) => [
    ...(withSubject ? [grant.subject] : []),
    grant.namespace === '' ? 'cluster-wide' : `namespace ${grant.namespace}`,
    `${grant.binding.kind}/${qualified(grant.binding)}`,
    `${grant.role.kind}/${qualified(grant.role)}`,
    `${grant.rule.declaredIn === `${grant.role.kind}/${qualified(grant.role)}` ? '' : `${grant.rule.declaredIn} `}rules[${grant.rule.index}]: ${ruleText(grant.rule)}`,
  ]);
}

function grid(grants: readonly GrantView[], withSubject: boolean, format: TextFormat): Iterable<string> {
  const header = grantHeader(withSubject);
  const rows = grantRows(grants, withSubject);
  return format === 'markdown' ? markdownTableChunks(header, rows) : tableChunks(rows, { header });
}

/**
 * A view as a text table or as Markdown, in chunks (a who-can over a large cluster lists many
 * grants). Names come from manifests and the cluster: every one is made `visible` (control
 * characters escaped), in the lines around the tables as in their cells.
 */
function* renderView(view: RbacView, format: TextFormat): Generator<string> {
  const heading = (text: string) => (format === 'markdown' ? `## ${text}\n\n` : `${text}\n`);
  const v = visible;
  if ('incomplete' in view && view.incomplete && view.kind !== 'Can') {
    yield `incomplete: ${view.incomplete.length} input(s) failed to load, so this list may lack what they held (${v(view.incomplete.slice(0, 3).join('; '))}${view.incomplete.length > 3 ? '; ...' : ''})\n${format === 'markdown' ? '\n' : ''}`;
  }
  switch (view.kind) {
    case 'WhoCan': {
      yield heading(`Who can ${v(view.request.text)}`);
      yield `${view.subjects.length} subject(s); members of ${v(view.superuserGroups.join(', '))} are always allowed.\n\n`;
      if (view.grants.length > 0) yield* grid(view.grants, true, format);
      return;
    }
    case 'Can': {
      yield `${view.answer}: ${v(view.subject)} ${view.answer === 'yes' ? 'may' : view.answer === 'no' ? 'may not' : 'may or may not'} ${v(view.request.text)}\n`;
      yield `reason: ${v(view.reason)}\n`;
      if (view.grants.length > 1) {
        yield '\n';
        yield* grid(view.grants, false, format);
      }
      return;
    }
    case 'Permissions': {
      yield heading(`Permissions of ${v(view.subject)} (user "${v(view.identity.user)}", groups ${v(view.identity.groups.join(', ')) || 'none'})`);
      if (view.superuser) yield 'member of system:masters: every request is allowed, before RBAC\n';
      yield '\n';
      yield heading('Cluster-wide');
      if (view.clusterWide.length > 0) yield* grid(view.clusterWide, false, format);
      else yield 'none\n';
      for (const [namespace, grants] of Object.entries(view.namespaces)) {
        yield '\n';
        yield heading(`Namespace ${v(namespace)}`);
        yield* grid(grants, false, format);
      }
      if (view.danglingBindings.length > 0) yield `\nbindings to missing roles (they grant nothing until the role appears): ${view.danglingBindings.map((binding) => v(`${binding.kind}/${qualified(binding)}`)).join(', ')}\n`;
      return;
    }
    case 'Escalations': {
      yield heading(`Escalation paths (${view.paths.length})`);
      for (const path of view.paths) {
        yield format === 'markdown' ? `\n### ${v(path.subject)} → ${v(path.reaches)}\n\n` : `\n${v(path.subject)} → ${v(path.reaches)}\n`;
        for (const [index, step] of path.steps.entries()) yield `${format === 'markdown' ? `${index + 1}.` : `  ${index + 1}.`} ${v(step.text)}${step.via ? ` (via ${v(step.via)})` : ''}\n`;
      }
      return;
    }
  }
}

/** `palisade rbac who-can|can|permissions|escalations -o`. */
export const RBAC_OUTPUTS = defineOutputs<RbacView>({
  default: 'table',
  formats: {
    table: (view): Rendered => renderView(view, 'table'),
    json: (view) => `${JSON.stringify(view, null, 2)}\n`,
    yaml: (view) => jsyaml.dump(view, { noRefs: true, lineWidth: 160 }),
    markdown: (view): Rendered => renderView(view, 'markdown'),
  },
});

/** `palisade rbac graph -o`. */
export const RBAC_GRAPH_OUTPUTS = defineOutputs<GraphView>({
  scope: 'graph',
  default: 'dot',
  formats: {
    dot: (graph) => graphDot(graph),
    json: (graph) => `${JSON.stringify(graph, null, 2)}\n`,
  },
});
