/**
 * Reads a stream to its end, or only until it is past `maxBytes`: then reading stops (the
 * stream is destroyed) and the result holds `maxBytes` + 1 bytes, enough to say it is too large.
 */
export async function readBounded(stream: AsyncIterable<Buffer | string>, maxBytes = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (total + bytes.length > maxBytes) {
      chunks.push(bytes.subarray(0, maxBytes + 1 - total));
      total = maxBytes + 1;
      break; // ends the iteration, which destroys the stream: nothing more is read
    }
    chunks.push(bytes);
    total += bytes.length;
  }
  return Buffer.concat(chunks, total);
}
