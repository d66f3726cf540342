/**
 * The text inside a base64 value (ConfigMap binaryData, a Secret's data), for the credential
 * detectors: decoded only when it is text (valid UTF-8 without NUL bytes), and only up to a
 * bound, so a large binary blob costs a prefix check at most.
 */

/** Bytes of decoded content the detectors read: a larger value is judged on its start. */
export const MAX_DECODED_BYTES = 256 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The UTF-8 text a base64 value encodes; undefined when it is not base64, or not text. */
export function base64Text(value: string, maxBytes = MAX_DECODED_BYTES): string | undefined {
  const compact = value.replace(/\s+/g, '');
  // 4 base64 characters per 3 bytes: read a whole number of quanta up to the bound.
  const limit = Math.floor(maxBytes / 3) * 4;
  const truncated = compact.length > limit;
  const encoded = truncated ? compact.slice(0, limit) : compact;
  if (encoded === '' || !BASE64.test(encoded) || (!truncated && encoded.length % 4 === 1)) return undefined;
  let binary: string;
  try {
    binary = atob(encoded);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  if (bytes.includes(0)) return undefined;
  try {
    // A truncated value may end inside a character: decode leniently there only.
    return new TextDecoder('utf-8', { fatal: !truncated }).decode(bytes);
  } catch {
    return undefined;
  }
}
