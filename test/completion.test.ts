import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { commandSpecs, flagsOf } from '../src/cli/commands/completion.js';
import { SCAN_HELP } from '../src/cli/commands/scan.js';
import { palisade } from './support/cli.js';
import { tempDir } from './support/temp.js';

/** Writes the script palisade prints for the shell, for the real shell to load. */
function script(shell: string): string {
  const run = palisade(['completion', shell]);
  assert.equal(run.code, 0, run.stderr);
  const file = path.join(tempDir('palisade-completion'), `palisade.${shell}`);
  writeFileSync(file, run.stdout);
  return file;
}

function shell(program: string, args: string[]): string {
  const run = spawnSync(program, args, { encoding: 'utf8', env: { ...process.env, HOME: tempDir('palisade-shell-home') } });
  assert.equal(run.status, 0, `${program}: ${run.stderr}`);
  return run.stdout;
}

/** What bash completes for the words typed so far (the last word is the one being completed). */
function bashComplete(file: string, words: string[]): string[] {
  const array = words.map((word) => `'${word}'`).join(' ');
  const out = shell('bash', ['-c', `source '${file}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _palisade; printf '%s\\n' "\${COMPREPLY[@]}"`]);
  return out.split('\n').filter(Boolean);
}

describe('palisade completion', () => {
  it('takes its flags from the help texts, so a new flag is completed without a second list', () => {
    const scanFlags = flagsOf(SCAN_HELP);
    for (const flag of ['--baseline', '--write-baseline', '--severity', '--summary', '--fail-on', '-o', '--output', '-f', '--cluster']) assert.ok(scanFlags.includes(flag), flag);
    assert.ok(!scanFlags.includes('--flag-that-does-not-exist'));
  });

  it('bash: commands, subcommands, flags and -o formats', () => {
    const file = script('bash');
    assert.deepEqual(bashComplete(file, ['palisade', 'sc']), ['scan']);
    assert.deepEqual(bashComplete(file, ['palisade', 'rbac', 'w']), ['who-can']);
    assert.deepEqual(bashComplete(file, ['palisade', 'scan', '--write-']), ['--write-baseline']);
    assert.deepEqual(bashComplete(file, ['palisade', 'scan', '-o', 'sa']), ['sarif']);
    assert.deepEqual(bashComplete(file, ['palisade', 'admission', 'serve', '--tls-cert']), ['--tls-cert-file']);
  });

  it('fish: the real fish completes with the script loaded', () => {
    const file = script('fish');
    const complete = (line: string): string[] =>
      shell('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`])
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.split('\t')[0]!);
    assert.deepEqual(complete('palisade sc'), ['scan']);
    assert.deepEqual(complete('palisade netpol ').sort(), ['explain', 'exposure', 'generate', 'matrix']);
    assert.ok(complete('palisade scan --fail').includes('--fail-on'));
    assert.ok(complete('palisade scan -o ').includes('line'));
  });

  it('zsh: the script registers with compinit and runs the completion function', () => {
    const file = script('zsh');
    shell('zsh', ['-n', file]);
    const registered = shell('zsh', ['-fc', `autoload -U compinit; compinit -u -d '${tempDir('zcomp')}/zcompdump'; source '${file}'; print -- \${_comps[palisade]}`]);
    assert.match(registered, /_palisade/);
    const flags = shell('zsh', ['-fc', `autoload -U compinit; compinit -u -d '${tempDir('zcomp')}/zcompdump'; source '${file}'; setopt ksharrays; COMP_WORDS=(palisade scan --); COMP_CWORD=2; _palisade; print -l -- \${COMPREPLY[@]}`]);
    assert.ok(flags.split('\n').includes('--baseline'));
  });

  it('every subcommand it completes exists, and an unknown shell is a usage error', () => {
    for (const spec of commandSpecs()) {
      for (const subcommand of spec.subcommands) {
        const run = palisade([spec.name, subcommand, '--help']);
        assert.equal(run.code, 0, `palisade ${spec.name} ${subcommand} --help: ${run.stderr}`);
      }
    }
    const run = palisade(['completion', 'powershell']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown shell "powershell" \(one of bash, zsh, fish\)/);
  });

  it('-v and --version print the version; every command has examples in its help', () => {
    assert.match(palisade(['-v']).stdout, /^palisade \d+\.\d+\.\d+/);
    assert.equal(palisade(['-v']).stdout, palisade(['--version']).stdout);
    for (const args of [['--help'], ['scan', '--help'], ['checks', '--help'], ['image', '--help'], ['db', '--help'], ['netpol', '--help'], ['rbac', '--help'], ['admission', '--help'], ['audit', '--help'], ['fix', '--help'], ['admission', 'serve', '--help'], ['admission', 'export-vap', '--help'], ['image', 'verify', '--help'], ['alert', '--help'], ['drift', '--help'], ['watch', '--help'], ['completion', '--help']]) {
      const run = palisade(args);
      assert.match(run.stdout, /\nExamples:\n {2}(palisade|source|helm) /, args.join(' '));
    }
  });
});
