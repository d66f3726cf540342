import { readFile } from 'node:fs/promises';
import { EmptyScanError, parseScanConfig, ScanConfigError, type ScanConfig } from '../app/scan.js';
import { UsageError } from './usage-error.js';

/**
 * The configuration every command reads the same way: the file given with --config, else
 * `.palisade.yaml` in the working directory when present (none: the defaults).
 */
export async function loadConfigFile(file: string | undefined): Promise<ScanConfig> {
  const path = file ?? '.palisade.yaml';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (file === undefined) return {};
    throw new UsageError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  return parseScanConfig(text, path);
}

/**
 * Runs a command's configuring (reading the file, planning the checks): a bad configuration
 * or a plan with no check left is a usage error (exit 2), said once for every command.
 */
export async function configuring<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScanConfigError || error instanceof EmptyScanError) throw new UsageError(error.message);
    throw error;
  }
}
