import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseStream } from '../../src/adapters/manifests/yaml.js';
import { signatureResultsFrom, type SignatureResults, type SignatureVerdict } from '../../src/core/images/signatures.js';

/**
 * A check fixture directory's signature verdicts (`signatures.yaml`: { verdicts: SignatureVerdict[] }),
 * as the signature check reads them from the inventory; undefined when the directory has none.
 */
export function fixtureSignatures(directory: string): SignatureResults | undefined {
  const file = path.join(directory, 'signatures.yaml');
  if (!existsSync(file)) return undefined;
  const value = parseStream(readFileSync(file, 'utf8'))[0]?.value as { verdicts: SignatureVerdict[] };
  return signatureResultsFrom(value.verdicts);
}
