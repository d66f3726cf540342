import { ADMISSION_HELP } from './admission.js';
import { AUDIT_HELP, AUDIT_OUTPUTS } from './audit.js';
import { ALERT_HELP } from './alert.js';
import { EXPORT_VAP_HELP } from './admission-export-vap.js';
import { SERVE_HELP } from './admission-serve.js';
import { WATCH_HELP } from './watch.js';
import { DRIFT_HELP, DRIFT_OUTPUTS } from './drift.js';
import { CHECKS_HELP } from './checks.js';
import { DB_HELP } from './db.js';
import { FIX_HELP, FIX_OUTPUTS } from './fix.js';
import { IMAGE_HELP } from './image.js';
import { NETPOL_HELP } from './netpol.js';
import { RBAC_HELP } from './rbac.js';
import { SCAN_HELP } from './scan.js';
import { SCAN_OUTPUTS } from '../formatters/index.js';
import { formatNames } from '../output/registry.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

export const COMPLETION_HELP = `Usage: palisade completion bash|zsh|fish

Writes a shell completion script for palisade's commands, subcommands and flags.

Examples:
  source <(palisade completion bash)                       in ~/.bashrc
  palisade completion zsh > "\${fpath[1]}/_palisade"        then start a new zsh
  palisade completion fish > ~/.config/fish/completions/palisade.fish
`;

interface CommandSpec {
  name: string;
  subcommands: string[];
  /** every flag the command's help lists (the help is the one place flags are written down) */
  flags: string[];
  /** values `-o` completes to, where the formats are one list */
  outputs?: string[];
}

/** `--flag` and `-f` as the help's flag lines write them (a line starting with spaces and a dash). */
export function flagsOf(help: string): string[] {
  const flags = new Set<string>();
  for (const line of help.split('\n')) {
    const match = /^\s+(-[a-zA-Z]),?\s+(--[a-z][a-z0-9-]*)|^\s+(--[a-z][a-z0-9-]*)/.exec(line);
    if (!match) continue;
    for (const flag of [match[1], match[2], match[3]]) if (flag) flags.add(flag);
  }
  if (!flags.has('--help')) flags.add('--help');
  return [...flags].sort();
}

/** The commands with their subcommands, as `main` and each command dispatch them. */
export function commandSpecs(): CommandSpec[] {
  return [
    { name: 'scan', subcommands: [], flags: flagsOf(SCAN_HELP), outputs: formatNames(SCAN_OUTPUTS) },
    { name: 'fix', subcommands: [], flags: flagsOf(FIX_HELP), outputs: formatNames(FIX_OUTPUTS) },
    { name: 'checks', subcommands: [], flags: flagsOf(CHECKS_HELP) },
    { name: 'image', subcommands: [], flags: flagsOf(IMAGE_HELP) },
    { name: 'db', subcommands: ['update', 'status'], flags: flagsOf(DB_HELP) },
    { name: 'netpol', subcommands: ['matrix', 'explain', 'exposure', 'generate'], flags: flagsOf(NETPOL_HELP) },
    { name: 'rbac', subcommands: ['who-can', 'can', 'permissions', 'escalations', 'graph'], flags: flagsOf(RBAC_HELP) },
    { name: 'admission', subcommands: ['serve', 'export-vap'], flags: flagsOf(`${ADMISSION_HELP}${SERVE_HELP}${EXPORT_VAP_HELP}`) },
    { name: 'audit', subcommands: [], flags: flagsOf(AUDIT_HELP), outputs: [...AUDIT_OUTPUTS] },
    { name: 'watch', subcommands: [], flags: flagsOf(WATCH_HELP), outputs: ['table', 'json'] },
    { name: 'drift', subcommands: [], flags: flagsOf(DRIFT_HELP), outputs: formatNames(DRIFT_OUTPUTS) },
    { name: 'alert', subcommands: ['test', 'deliver', 'status'], flags: flagsOf(ALERT_HELP) },
    { name: 'completion', subcommands: ['bash', 'zsh', 'fish'], flags: ['--help'] },
    { name: 'version', subcommands: [], flags: [] },
  ];
}

function bashScript(specs: CommandSpec[]): string {
  const cases = specs
    .map((spec) => {
      const outputs = spec.outputs ? `\n      outputs="${spec.outputs.join(' ')}"` : '';
      return `    ${spec.name})\n      subcommands="${spec.subcommands.join(' ')}"\n      flags="${spec.flags.join(' ')}"${outputs}\n      ;;`;
    })
    .join('\n');
  return `# palisade completion for bash (palisade completion bash)
_palisade() {
  local cur prev command subcommands="" flags="" outputs=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${specs.map((spec) => spec.name).join(' ')} --help --version" -- "$cur"))
    return
  fi
  command="\${COMP_WORDS[1]}"
  case "$command" in
${cases}
  esac
  if [ -n "$subcommands" ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
    return
  fi
  if [ -n "$outputs" ] && { [ "$prev" = "-o" ] || [ "$prev" = "--output" ]; }; then
    COMPREPLY=($(compgen -W "$outputs" -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _palisade palisade
`;
}

function zshScript(specs: CommandSpec[]): string {
  // zsh runs the bash function through bashcompinit, as many CLIs ship it: one logic, two shells.
  return `#compdef palisade
# palisade completion for zsh (palisade completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(specs).split('\n').slice(1).join('\n')}`;
}

function fishScript(specs: CommandSpec[]): string {
  const names = specs.map((spec) => spec.name).join(' ');
  const lines = [
    '# palisade completion for fish (palisade completion fish)',
    'complete -c palisade -e',
    `complete -c palisade -f -n '__fish_use_subcommand' -a '${names}'`,
  ];
  for (const spec of specs) {
    const on = `__fish_seen_subcommand_from ${spec.name}`;
    if (spec.subcommands.length > 0) {
      lines.push(`complete -c palisade -f -n '${on}; and not __fish_seen_subcommand_from ${spec.subcommands.join(' ')}' -a '${spec.subcommands.join(' ')}'`);
    }
    for (const flag of spec.flags) {
      const option = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      const values = spec.outputs && (flag === '--output' || flag === '-o') ? ` -x -a '${spec.outputs.join(' ')}'` : '';
      lines.push(`complete -c palisade -n '${on}' ${option}${values}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const SHELLS: Record<string, (specs: CommandSpec[]) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

export async function completionCommand(argv: string[], io: CommandIO): Promise<number> {
  const [shell, ...extra] = argv;
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(COMPLETION_HELP);
    return 0;
  }
  if (shell === undefined || !Object.hasOwn(SHELLS, shell)) throw new UsageError(`${shell === undefined ? 'no shell given' : `unknown shell "${shell}"`} (one of bash, zsh, fish)\n\n${COMPLETION_HELP}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  io.stdout(SHELLS[shell]!(commandSpecs()));
  return 0;
}
