import Database from 'better-sqlite3';
import yauzl from 'yauzl';
import { inflateSync } from 'node:zlib';
import type { AnalyzerHelpers, ZipEntry } from '../../core/images/analyzers/types.js';

/** Native capabilities the pure analyzers ask for: zlib, zip (yauzl) and SQLite (better-sqlite3). */

const INFLATE_LIMIT = 64 << 20;
const ZIP_ENTRY_LIMIT = 64 << 20;

function unzip(data: Uint8Array): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries: ZipEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) {
          entries.push({
            name: entry.fileName,
            size: entry.uncompressedSize,
            read: () =>
              new Promise<Uint8Array>((done, fail) => {
                if (entry.uncompressedSize > ZIP_ENTRY_LIMIT) return fail(new Error(`${entry.fileName}: ${entry.uncompressedSize} bytes, over ${ZIP_ENTRY_LIMIT}`));
                zip.openReadStream(entry, (streamError, stream) => {
                  if (streamError || !stream) return fail(streamError ?? new Error('no stream'));
                  const chunks: Buffer[] = [];
                  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
                  stream.on('error', fail);
                  stream.on('end', () => done(Buffer.concat(chunks)));
                });
              }),
          });
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

export const NODE_HELPERS: AnalyzerHelpers = {
  inflate: (data) => inflateSync(data, { maxOutputLength: INFLATE_LIMIT }),
  unzip,
  sqlite(data, sql) {
    // An in-memory copy; WAL databases (rpm's, header bytes 18-19 = 2) cannot be opened from
    // memory, so the copy is marked as a rollback-journal database (a WAL left uncheckpointed
    // in the image is not read).
    const copy = Buffer.from(data);
    if (copy.length > 19 && copy[18] === 2 && copy[19] === 2) copy[18] = copy[19] = 1;
    const database = new Database(copy);
    try {
      return database.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      database.close();
    }
  },
};
