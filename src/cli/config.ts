import { readFile } from 'node:fs/promises';
import { parseScanConfig, type ScanConfig } from '../app/scan.js';
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
