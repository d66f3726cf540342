import { readFileSync } from 'node:fs';
import { readBounded } from '../adapters/streams.js';
import type { CommandIO } from './io.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: palisade COMMAND [flags]

Commands:
  scan PATH...   scan manifests for security misconfigurations
  fix PATH...    write the mechanical fixes of findings into the manifests (a diff first)
  checks         list the checks
  image REF...   inventory container images layer by layer (packages, SBOM); image verify: signatures
  db             update or show the local vulnerability database
  netpol         NetworkPolicy analysis: matrix, explain, exposure, generate
  rbac           effective RBAC permissions: who-can, can, permissions, escalations, graph
  admission      enforce checks at admission: serve (the webhook), export-vap (ValidatingAdmissionPolicies)
  watch          watch a live cluster: findings opened and resolved as they change
  drift          live objects against their manifests, field by field (configuration drift)
  audit          detections on the API server's audit log and webhook, and Falco's alerts
  alert          alerts to the owners of findings: test the sinks, deliver the outbox, status
  completion     shell completion script: bash, zsh or fish
  version        print the version (also -v, --version)

Run 'palisade COMMAND --help' for a command's flags and examples.

Examples:
  palisade scan k8s/                       scan manifests (files, directories, Kustomize, Helm)
  palisade scan --cluster -A               scan the live cluster of the current context
  palisade fix k8s/                        the fixes as a diff (--write applies them)
  palisade image nginx:1.27                an image's packages and vulnerabilities
  palisade rbac who-can get secrets -A --cluster
  palisade watch -o json                   findings of the live cluster as they open and resolve
  palisade drift --desired k8s/ --cluster  what differs live from the manifests
  palisade audit --log /var/log/kubernetes/audit.log --follow
`;

type Command = (argv: string[], io: CommandIO) => Promise<number>;

/** Each command is loaded when it runs: `palisade version` need not load SQLite or the Kubernetes client. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  scan: async () => (await import('./commands/scan.js')).scanCommand,
  fix: async () => (await import('./commands/fix.js')).fixCommand,
  checks: async () => (await import('./commands/checks.js')).checksCommand,
  image: async () => (await import('./commands/image.js')).imageCommand,
  db: async () => (await import('./commands/db.js')).dbCommand,
  netpol: async () => (await import('./commands/netpol.js')).netpolCommand,
  rbac: async () => (await import('./commands/rbac.js')).rbacCommand,
  admission: async () => (await import('./commands/admission.js')).admissionCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  drift: async () => (await import('./commands/drift.js')).driftCommand,
  alert: async () => (await import('./commands/alert.js')).alertCommand,
  completion: async () => (await import('./commands/completion.js')).completionCommand,
};

export function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

export function processIO(): CommandIO {
  const stderrTty = Boolean(process.stderr.isTTY);
  return {
    stdout: (text) =>
      process.stdout.write(text) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())),
    stderr: (text) => void process.stderr.write(text),
    progress: (text) => {
      if (stderrTty) process.stderr.write(`${text}\n`);
    },
    stdin: (maxBytes) => readBounded(process.stdin, maxBytes),
    now: () => new Date(),
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''),
    version: packageVersion(),
  };
}

/** What a shell reports for a process that SIGPIPE ended: 128 + 13. */
export const CLOSED_PIPE_EXIT = 141;

/**
 * A reader that stops early (`palisade scan -o json | head -1`) closes stdout; the next write
 * fails with EPIPE. That ends the process quietly, with the status a process killed by
 * SIGPIPE has in a shell (Node ignores SIGPIPE, so the signal itself never comes).
 */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(CLOSED_PIPE_EXIT);
    throw error;
  });
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === 'version' || command === '--version' || command === '-v') {
    io.stdout(`palisade ${io.version}\n`);
    return 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.stderr(`palisade: unknown command "${command}"\n${HELP}`);
    return 2;
  }
  try {
    const run = await load();
    return await run(rest, io);
  } catch (error) {
    const known = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr(`palisade ${command}: ${(error as Error).message}\n`);
    if (!known) io.stderr(`${(error as Error).stack ?? ''}\n`);
    return 2;
  }
}
