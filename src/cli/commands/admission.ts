import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const ADMISSION_HELP = `Usage: palisade admission SUBCOMMAND [flags]

Enforce Palisade's checks when objects are admitted.

Subcommands:
  serve        run the validating admission webhook (HTTPS, AdmissionReview v1)
  export-vap   write ValidatingAdmissionPolicies and bindings for the checks the API
               server can evaluate itself (CEL), with no webhook

Run 'palisade admission SUBCOMMAND --help' for its flags.

Examples:
  palisade admission serve --tls-cert-file tls.crt --tls-private-key-file tls.key
  palisade admission export-vap --action Warn,Audit | kubectl apply -f -
`;

type Subcommand = (argv: string[], io: CommandIO) => Promise<number>;

/** Each subcommand is loaded when it runs. */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  'export-vap': async () => (await import('./admission-export-vap.js')).exportVapCommand,
  serve: async () => (await import('./admission-serve.js')).serveCommand,
};

export async function admissionCommand(argv: string[], io: CommandIO): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout(ADMISSION_HELP);
    return subcommand === undefined ? 2 : 0;
  }
  const load = SUBCOMMANDS[subcommand];
  if (!load) throw new UsageError(`unknown subcommand "${subcommand}" (one of ${Object.keys(SUBCOMMANDS).join(', ')})`);
  return (await load())(rest, io);
}
