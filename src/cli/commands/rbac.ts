import { parseArgs } from 'node:util';
import jsyaml from 'js-yaml';
import type { LoadResult } from '../../adapters/manifests/documents.js';
import { answerRbac, type RbacQuestion } from '../../app/rbac.js';
import { parseRequest } from '../../core/rbac/resources.js';
import { parseSubject, type Subject } from '../../core/rbac/subjects.js';
import type { EscalationsView } from '../../core/rbac/escalation.js';
import {
  graphDot,
  qualified,
  ruleText,
  type CanView,
  type GrantView,
  type PermissionsView,
  type WhoCanView,
} from '../../core/rbac/views.js';
import { INPUT_HELP, INPUT_OPTIONS, loadInputs } from '../inputs.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const RBAC_HELP = `Usage: palisade rbac SUBCOMMAND [args] [PATH...] [flags]

Effective RBAC permissions, computed with the API server's semantics from manifests
or a live cluster (aggregated ClusterRoles included).

Subcommands:
  who-can VERB RESOURCE       every subject allowed, with the binding, role and rule
  can SUBJECT VERB RESOURCE   yes (exit 0) or no (exit 1), with the reason
  permissions SUBJECT         the subject's effective rules, cluster-wide and per namespace
  escalations                 chains of steps by which subjects reach stronger identities
  graph                       subjects, bindings and roles as a graph (-o dot or json)

RESOURCE is RESOURCE[.GROUP][/SUBRESOURCE] (pods, pods/exec, deployments.apps/scale;
the group of well-known resources is implied) or a non-resource URL (/metrics).
SUBJECT is user:NAME, group:NAME, serviceaccount:NAMESPACE:NAME or
system:serviceaccount:NAMESPACE:NAME; a bare name is a user.

Flags:
  -n, --namespace NS         the namespace of the question; without it the question is
                             cluster-wide (as kubectl auth can-i -A), and who-can also
                             lists grants limited to one namespace, with that namespace
      --name NAME            the object name of the request (resourceNames)
      --subresource S        the subresource (same as RESOURCE/S)
      --group G              can, permissions: a group the user is also in (repeatable)
  -o, --output FORMAT        table, json, yaml, markdown (graph: dot, json; default dot)
      --no-color             plain output
${INPUT_HELP}

Exit codes: 0 done (can: allowed; escalations: none found), 1 can: denied, escalations:
paths found, 2 usage or input error.
`;

type Format = 'table' | 'json' | 'yaml' | 'markdown';
const FORMATS: readonly Format[] = ['table', 'json', 'yaml', 'markdown'];

function subjectArg(text: string | undefined, usage: string): Subject {
  if (text === undefined) throw new UsageError(`missing SUBJECT: ${usage}`);
  const subject = parseSubject(text);
  if (typeof subject === 'string') throw new UsageError(subject);
  return subject;
}

function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return `${rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n')}\n`;
}

function markdownTable(rows: string[][]): string {
  if (rows.length === 0) return '';
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const [head, ...body] = rows;
  return `${[`| ${head!.map(escape).join(' | ')} |`, `|${head!.map(() => '---').join('|')}|`, ...body.map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n')}\n`;
}

function grantRows(grants: readonly GrantView[], withSubject: boolean): string[][] {
  const rows = [[...(withSubject ? ['SUBJECT'] : []), 'WHERE', 'BINDING', 'ROLE', 'RULE']];
  for (const grant of grants) {
    rows.push([
      ...(withSubject ? [grant.subject] : []),
      grant.namespace === '' ? 'cluster-wide' : `namespace ${grant.namespace}`,
      `${grant.binding.kind}/${qualified(grant.binding)}`,
      `${grant.role.kind}/${qualified(grant.role)}`,
      `${grant.rule.declaredIn === `${grant.role.kind}/${qualified(grant.role)}` ? '' : `${grant.rule.declaredIn} `}rules[${grant.rule.index}]: ${ruleText(grant.rule)}`,
    ]);
  }
  return rows;
}

function render(view: WhoCanView | CanView | PermissionsView | EscalationsView, format: Format): string {
  if (format === 'json') return `${JSON.stringify(view, null, 2)}\n`;
  if (format === 'yaml') return jsyaml.dump(view, { noRefs: true, lineWidth: 160 });
  const grid = format === 'markdown' ? markdownTable : table;
  const heading = (text: string) => (format === 'markdown' ? `## ${text}\n\n` : `${text}\n`);
  switch (view.kind) {
    case 'WhoCan': {
      const lines = [heading(`Who can ${view.request.text}`)];
      lines.push(`${view.subjects.length} subject(s); members of ${view.superuserGroups.join(', ')} are always allowed.\n\n`);
      if (view.grants.length > 0) lines.push(grid(grantRows(view.grants, true)));
      return lines.join('');
    }
    case 'Can': {
      const lines = [`${view.allowed ? 'yes' : 'no'}: ${view.subject} ${view.allowed ? 'may' : 'may not'} ${view.request.text}\n`, `reason: ${view.reason}\n`];
      if (view.grants.length > 1) lines.push('\n', grid(grantRows(view.grants, false)));
      return lines.join('');
    }
    case 'Permissions': {
      const lines = [heading(`Permissions of ${view.subject} (user "${view.identity.user}", groups ${view.identity.groups.join(', ') || 'none'})`)];
      if (view.superuser) lines.push('member of system:masters: every request is allowed, before RBAC\n');
      lines.push('\n', heading('Cluster-wide'), view.clusterWide.length > 0 ? grid(grantRows(view.clusterWide, false)) : 'none\n');
      for (const [namespace, grants] of Object.entries(view.namespaces)) lines.push('\n', heading(`Namespace ${namespace}`), grid(grantRows(grants, false)));
      if (view.danglingBindings.length > 0) lines.push('\n', `bindings to missing roles (they grant nothing until the role appears): ${view.danglingBindings.map((binding) => `${binding.kind}/${qualified(binding)}`).join(', ')}\n`);
      return lines.join('');
    }
    case 'Escalations': {
      const lines = [heading(`Escalation paths (${view.paths.length})`)];
      for (const path of view.paths) {
        lines.push(format === 'markdown' ? `\n### ${path.subject} → ${path.reaches}\n\n` : `\n${path.subject} → ${path.reaches}\n`);
        path.steps.forEach((step, index) => lines.push(`${format === 'markdown' ? `${index + 1}.` : `  ${index + 1}.`} ${step.text}${step.via ? ` (via ${step.via})` : ''}\n`));
      }
      return lines.join('');
    }
  }
}

async function loadObjects(values: Parameters<typeof loadInputs>[0], paths: string[], io: CommandIO, command: string): Promise<LoadResult> {
  const loaded = await loadInputs(values, paths, io, { command });
  for (const error of loaded.errors) io.stderr(`${command}: ${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}\n`);
  return loaded;
}

export async function rbacCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...INPUT_OPTIONS,
      namespace: { type: 'string', short: 'n' },
      name: { type: 'string' },
      subresource: { type: 'string' },
      group: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [subcommand, ...rest] = positionals;
  if (values.help || subcommand === undefined) {
    io.stdout(RBAC_HELP);
    return values.help ? 0 : 2;
  }
  const command = `palisade rbac ${subcommand}`;
  if (subcommand === 'graph') {
    const format = values.output ?? 'dot';
    if (format !== 'dot' && format !== 'json') throw new UsageError('graph: -o must be dot or json');
    const loaded = await loadObjects(values, rest, io, command);
    const graph = answerRbac(loaded, { kind: 'graph' }).view;
    await io.stdout(format === 'dot' ? graphDot(graph) : `${JSON.stringify(graph, null, 2)}\n`);
    return loaded.errors.length > 0 ? 2 : 0;
  }
  const format = (values.output ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown output format "${values.output}" (one of ${FORMATS.join(', ')})`);
  const request = (verb: string | undefined, resource: string | undefined, usage: string) => {
    if (verb === undefined || resource === undefined) throw new UsageError(`missing VERB or RESOURCE: ${usage}`);
    const parsed = parseRequest({ verb, resource, ...(values.subresource ? { subresource: values.subresource } : {}), ...(values.name ? { name: values.name } : {}), ...(values.namespace ? { namespace: values.namespace } : {}) });
    if (typeof parsed === 'string') throw new UsageError(parsed);
    return parsed;
  };
  // Flags and arguments to a question (usage errors before anything is read), then the use case.
  let question: Exclude<RbacQuestion, { kind: 'graph' }>;
  let paths: string[];
  switch (subcommand) {
    case 'who-can': {
      const [verb, resource, ...inputs] = rest;
      question = { kind: 'who-can', request: request(verb, resource, 'palisade rbac who-can VERB RESOURCE [PATH...]'), anyNamespace: values.namespace === undefined };
      paths = inputs;
      break;
    }
    case 'can': {
      const [subjectText, verb, resource, ...inputs] = rest;
      const usage = 'palisade rbac can SUBJECT VERB RESOURCE [PATH...]';
      const subject = subjectArg(subjectText, usage);
      question = { kind: 'can', subject, groups: values.group ?? [], request: request(verb, resource, usage) };
      paths = inputs;
      break;
    }
    case 'permissions': {
      const [subjectText, ...inputs] = rest;
      question = { kind: 'permissions', subject: subjectArg(subjectText, 'palisade rbac permissions SUBJECT [PATH...]'), groups: values.group ?? [] };
      paths = inputs;
      break;
    }
    case 'escalations':
      question = { kind: 'escalations' };
      paths = rest;
      break;
    default:
      throw new UsageError(`unknown subcommand "${subcommand}" (who-can, can, permissions, escalations, graph)`);
  }
  const loaded = await loadObjects(values, paths, io, command);
  const { view, flagged } = answerRbac(loaded, question);
  await io.stdout(render(view, format));
  return loaded.errors.length > 0 ? 2 : flagged ? 1 : 0;
}
