import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './receivers.js';
import { tempDir } from './temp.js';

/**
 * A real Alertmanager (Debian's prometheus-alertmanager, installed by scripts/provision.sh) on
 * loopback, with the given configuration, clustering off, its data in a temporary directory.
 */
export async function startAlertmanager(config: string): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = tempDir('palisade-alertmanager');
  writeFileSync(path.join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus-alertmanager',
    [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`alertmanager exited (${exited}): ${stderr} (prometheus-alertmanager missing? run bash scripts/provision.sh)`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`alertmanager not ready within 20 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (exited !== undefined) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }),
  };
}
