import { parseArgs } from 'node:util';
import type { LoadResult } from '../../adapters/manifests/documents.js';
import { answerRbac, type RbacQuestion } from '../../app/rbac.js';
import { parseRequest } from '../../core/rbac/resources.js';
import { parseSubject, type Subject } from '../../core/rbac/subjects.js';
import { RBAC_GRAPH_OUTPUTS, RBAC_OUTPUTS } from '../formatters/rbac.js';
import { chooseOutput, formatList, writeRendered } from '../output/registry.js';
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
  -o, --output FORMAT        ${formatList(RBAC_OUTPUTS)} (graph: ${formatList(RBAC_GRAPH_OUTPUTS)}; default ${RBAC_GRAPH_OUTPUTS.default})
      --no-color             plain output
${INPUT_HELP}

Exit codes: 0 done (can: allowed; escalations: none found), 1 can: denied, escalations:
paths found, 2 usage or input error.
`;

function subjectArg(text: string | undefined, usage: string): Subject {
  if (text === undefined) throw new UsageError(`missing SUBJECT: ${usage}`);
  const subject = parseSubject(text);
  if (typeof subject === 'string') throw new UsageError(subject);
  return subject;
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
    const output = chooseOutput(RBAC_GRAPH_OUTPUTS, values.output);
    const loaded = await loadObjects(values, rest, io, command);
    await writeRendered(io, output, answerRbac(loaded, { kind: 'graph' }).view);
    return loaded.errors.length > 0 ? 2 : 0;
  }
  const output = chooseOutput(RBAC_OUTPUTS, values.output);
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
  await writeRendered(io, output, view);
  return loaded.errors.length > 0 ? 2 : flagged ? 1 : 0;
}
