import { parseArgs } from 'node:util';
import type { LoadResult } from '../../adapters/manifests/documents.js';
import { answerRbac, type RbacQuestion } from '../../app/rbac.js';
import { checkRequestSyntax, resolveRequest, resourceCatalog, type ApiResource, type RequestSpec } from '../../core/rbac/resources.js';
import { parseSubject, type Subject } from '../../core/rbac/subjects.js';
import { RBAC_GRAPH_OUTPUTS, RBAC_OUTPUTS } from '../formatters/rbac.js';
import { chooseOutputs, formatList, writeAllRendered } from '../output/registry.js';
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

RESOURCE is RESOURCE[.GROUP][/SUBRESOURCE] or a non-resource URL (/metrics). RESOURCE is
resolved as kubectl does: plural, singular, short name or kind (pods, pod, po, Pod;
deploy.apps/scale), from the built-in resources, the CustomResourceDefinitions among the
inputs and, with --cluster, discovery; an unknown name is an error. Cluster-scoped
resources and URLs are asked with no namespace; bind on clusterroles in the namespace of
the binding (-n).
SUBJECT is user:NAME, group:NAME, serviceaccount:NAMESPACE:NAME or
system:serviceaccount:NAMESPACE:NAME; a bare name is a user.

Flags:
  -n, --namespace NS         the namespace of the question; without it the question is
                             cluster-wide (as kubectl auth can-i -A), and who-can also
                             lists grants limited to one namespace, with that namespace
                             (namespaced resources only)
      --name NAME            the object name of the request (resourceNames)
      --subresource S        the subresource (same as RESOURCE/S)
      --group G              can, permissions: a group the user is also in (repeatable)
  -o, --output FORMAT[=FILE] ${formatList(RBAC_OUTPUTS)} (graph: ${formatList(RBAC_GRAPH_OUTPUTS)}; default ${RBAC_GRAPH_OUTPUTS.default})
      --no-color             plain output
${INPUT_HELP}

Exit codes: 0 done (can: allowed; escalations: none found), 1 can: denied, escalations:
paths found, 2 usage or input error (can: "unknown" when inputs failed and nothing that
loaded allows it).

Examples:
  palisade rbac who-can get secrets -n prod --cluster
  palisade rbac can system:serviceaccount:ci:deployer create pods -n prod rbac/
  palisade rbac escalations --cluster -o json
  palisade rbac graph rbac/ | dot -Tsvg > rbac.svg
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
      output: { type: 'string', short: 'o', multiple: true },
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
    const output = chooseOutputs(RBAC_GRAPH_OUTPUTS, values.output as string[] | undefined, io.cwd);
    const loaded = await loadObjects(values, rest, io, command);
    await writeAllRendered(io, output, answerRbac(loaded, { kind: 'graph' }).view);
    return loaded.errors.length > 0 ? 2 : 0;
  }
  const output = chooseOutputs(RBAC_OUTPUTS, values.output as string[] | undefined, io.cwd);
  // The resource is resolved once the objects are read (CustomResourceDefinitions among them,
  // the cluster's discovery); its syntax is checked before anything is read.
  const requestSpec = (verb: string | undefined, resource: string | undefined, usage: string): RequestSpec => {
    if (verb === undefined || resource === undefined) throw new UsageError(`missing VERB or RESOURCE: ${usage}`);
    const spec: RequestSpec = { verb, resource, ...(values.subresource ? { subresource: values.subresource } : {}), ...(values.name ? { name: values.name } : {}), ...(values.namespace ? { namespace: values.namespace } : {}) };
    const error = checkRequestSyntax(spec);
    if (error !== undefined) throw new UsageError(error);
    return spec;
  };
  let spec: RequestSpec | undefined;
  let subject: Subject | undefined;
  let paths: string[];
  switch (subcommand) {
    case 'who-can': {
      const [verb, resource, ...inputs] = rest;
      spec = requestSpec(verb, resource, 'palisade rbac who-can VERB RESOURCE [PATH...]');
      paths = inputs;
      break;
    }
    case 'can': {
      const [subjectText, verb, resource, ...inputs] = rest;
      const usage = 'palisade rbac can SUBJECT VERB RESOURCE [PATH...]';
      subject = subjectArg(subjectText, usage);
      spec = requestSpec(verb, resource, usage);
      paths = inputs;
      break;
    }
    case 'permissions': {
      const [subjectText, ...inputs] = rest;
      subject = subjectArg(subjectText, 'palisade rbac permissions SUBJECT [PATH...]');
      paths = inputs;
      break;
    }
    case 'escalations':
      paths = rest;
      break;
    default:
      throw new UsageError(`unknown subcommand "${subcommand}" (who-can, can, permissions, escalations, graph)`);
  }
  const loaded = await loadObjects(values, paths, io, command);
  const errors = [...loaded.errors];
  let question: Exclude<RbacQuestion, { kind: 'graph' }>;
  if (spec) {
    const discovered = values.cluster ? await discover(values, command, io, errors) : undefined;
    const resolved = resolveRequest(spec, resourceCatalog({ ...(discovered ? { discovered } : {}), objects: loaded.resources }));
    if (typeof resolved === 'string') throw new UsageError(resolved);
    question =
      subject !== undefined
        ? { kind: 'can', subject, groups: values.group ?? [], request: resolved.request }
        : // without -n: every namespace, for requests made in one; cluster-scoped ones are granted only cluster-wide
          { kind: 'who-can', request: resolved.request, anyNamespace: values.namespace === undefined && resolved.namespaced };
  } else question = subject !== undefined ? { kind: 'permissions', subject, groups: values.group ?? [] } : { kind: 'escalations' };
  const { view, flagged } = answerRbac({ resources: loaded.resources, errors }, question);
  await writeAllRendered(io, output, view);
  return errors.length > 0 ? 2 : flagged ? 1 : 0;
}

/** The cluster's resource types (kubectl's discovery); undefined, with an input error, when discovery fails. */
async function discover(values: Parameters<typeof loadInputs>[0], command: string, io: CommandIO, errors: LoadResult['errors']): Promise<ApiResource[] | undefined> {
  try {
    const { connect } = await import('../../adapters/cluster/read.js');
    const { discoverResources } = await import('../../adapters/cluster/discovery.js');
    return await discoverResources(await connect({ ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}), ...(values.context ? { context: values.context } : {}) }));
  } catch (error) {
    const message = `resource discovery failed: ${(error as Error).message}`;
    io.stderr(`${command}: cluster: ${message}\n`);
    errors.push({ code: 'cluster-error', message, file: 'cluster' });
    return undefined;
  }
}
