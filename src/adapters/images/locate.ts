import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ImageFormatError } from '../../core/images/oci.js';
import { parseImageReference, type ImageReference } from '../../core/images/reference.js';

export type ImageLocation = { kind: 'registry'; reference: ImageReference } | { kind: 'oci-layout'; dir: string; tag?: string } | { kind: 'docker-archive'; file: string };

/**
 * What an argument names: `oci:DIR[:TAG]`, `docker-archive:FILE`, an existing directory
 * holding an oci-layout file or an existing file (a tarball), else a registry reference.
 */
export async function locateImage(argument: string, cwd: string): Promise<ImageLocation> {
  if (argument.startsWith('oci:')) {
    const rest = argument.slice(4);
    const colon = rest.lastIndexOf(':');
    const hasTag = colon > 0 && !rest.slice(colon + 1).includes('/');
    return hasTag ? { kind: 'oci-layout', dir: path.resolve(cwd, rest.slice(0, colon)), tag: rest.slice(colon + 1) } : { kind: 'oci-layout', dir: path.resolve(cwd, rest) };
  }
  if (argument.startsWith('docker-archive:')) return { kind: 'docker-archive', file: path.resolve(cwd, argument.slice('docker-archive:'.length)) };
  const local = path.resolve(cwd, argument);
  const info = await stat(local).catch(() => undefined);
  if (info?.isDirectory()) {
    if (await stat(path.join(local, 'oci-layout')).catch(() => undefined)) return { kind: 'oci-layout', dir: local };
    throw new ImageFormatError(`${argument}: a directory without an oci-layout file`);
  }
  if (info?.isFile()) return { kind: 'docker-archive', file: local };
  const parsed = parseImageReference(argument);
  if (!parsed.ok) throw new ImageFormatError(`${argument}: ${parsed.error} (and no such file or directory)`);
  return { kind: 'registry', reference: parsed.reference };
}
