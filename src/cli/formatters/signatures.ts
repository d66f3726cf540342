import type { SignatureVerdict } from '../../core/images/signatures.js';
import { defineOutputs } from '../output/registry.js';
import { tableLines } from '../output/table.js';

export const SIGNATURES_API_VERSION = 'palisade.dev/signatures/v1';

/** What `palisade image verify` shows: one verdict per image. */
export interface SignatureVerification {
  verdicts: SignatureVerdict[];
}

const STATUS: Record<SignatureVerdict['status'], string> = { verified: 'verified', unsigned: 'UNSIGNED', invalid: 'INVALID', error: 'NOT EVALUATED' };

function renderTable({ verdicts }: SignatureVerification): string {
  const rows = verdicts.map((verdict) => [verdict.image, verdict.digest ? verdict.digest.slice(0, 19) : '-', STATUS[verdict.status], verdict.status === 'verified' ? `${verdict.signer ?? ''} (${verdict.layout === 'bundle' ? 'Sigstore bundle' : '.sig tag'})` : verdict.reason]);
  const verified = verdicts.filter((verdict) => verdict.status === 'verified').length;
  return `${[...tableLines(rows, { header: ['IMAGE', 'DIGEST', 'SIGNATURE', 'SIGNER OR REASON'] })].join('\n')}\n\n${verified} of ${verdicts.length} image${verdicts.length === 1 ? '' : 's'} verified\n`;
}

export const SIGNATURE_OUTPUTS = defineOutputs<SignatureVerification>({
  scope: 'image verify',
  default: 'table',
  formats: {
    table: (value) => renderTable(value),
    json: ({ verdicts }) => `${JSON.stringify({ apiVersion: SIGNATURES_API_VERSION, kind: 'ImageSignatureVerification', verdicts }, null, 2)}\n`,
  },
});
