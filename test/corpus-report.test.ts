import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { main } from '../src/cli/main.js';
import type { CommandIO } from '../src/cli/io.js';
import { FIXED_NOW } from './support/scan.js';
import { repoPath, SHARED } from './support/paths.js';

/**
 * The reports of the shared corpus, in every output format, must stay byte-identical across
 * refactors of the engine, the inventory and the outputs. The digests were recorded from the
 * code before "One engine, many front ends"; a deliberate change of output updates them here
 * and in the schema's changelog. On a mismatch the output is written under
 * dist/corpus-report/ so it can be compared with a build of the earlier commit.
 */
const DIGESTS = JSON.parse(readFileSync(repoPath('test/fixtures/corpus-report.digests.json'), 'utf8')) as Record<string, string>;

/** The corpus folder, as the (absolute) file arguments name it. */
const CORPUS_PREFIX = path.join(SHARED, 'corpus');

const FORMATS = ['json', 'yaml', 'sarif', 'junit', 'markdown', 'table'] as const;
const VARIANTS: Record<string, string[]> = {
  all: ['--enable', '*'],
  default: [],
  cis: ['--standard', 'cis'],
};

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    progress: () => undefined,
    stdin: async () => Buffer.alloc(0),
    now: () => FIXED_NOW,
    // The working directory is the shared folder, so SARIF's relative artifacts, and the
    // fingerprints hashed from them, are the same wherever the checkout and the corpus live.
    cwd: SHARED,
    color: false,
    version: '0.0.0-corpus',
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function corpusFiles(folder: string): string[] {
  const directory = path.join(SHARED, 'corpus', folder);
  // Files one by one (a kustomization.yaml would make the folder a rendered build), by
  // absolute path; the outputs name them as <corpus>/ (and SARIF relative to the shared folder).
  return readdirSync(directory)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .sort()
    .map((file) => path.join(directory, file));
}

describe('corpus reports are byte-identical to the recorded ones', () => {
  for (const folder of ['kube-prometheus', 'microservices-demo']) {
    for (const [variant, flags] of Object.entries(VARIANTS)) {
      for (const format of FORMATS) {
        const key = `${folder}/${variant}/${format}`;
        it(key, async () => {
          const result = await run(['scan', '-o', format, ...flags, ...corpusFiles(folder)]);
          assert.equal(result.stderr, '');
          assert.equal(result.code, 1, 'the corpus has findings');
          // SARIF names the working directory (the shared folder) as its base URI, and the other
          // formats name the files by absolute path: where the shared folder lives (../shared
          // here, elsewhere in CI) is not part of the output compared.
          const output = result.stdout.replaceAll(pathToFileURL(`${SHARED}/`).href, 'file:///checkout/').replaceAll(`${CORPUS_PREFIX}/`, '<corpus>/');
          const digest = createHash('sha256').update(output).digest('hex');
          if (process.env.PALISADE_RECORD_DIGESTS) {
            DIGESTS[key] = digest;
            writeFileSync(repoPath('test/fixtures/corpus-report.digests.json'), `${JSON.stringify(DIGESTS, Object.keys(DIGESTS).sort(), 2)}\n`);
            return;
          }
          if (digest !== DIGESTS[key]) {
            const out = repoPath(`dist/corpus-report/${key.replaceAll('/', '.')}`);
            mkdirSync(path.dirname(out), { recursive: true });
            writeFileSync(out, output);
            assert.fail(`${key}: output changed (sha256 ${digest}, recorded ${DIGESTS[key] ?? 'none'}); written to ${out}`);
          }
        });
      }
    }
  }
});
