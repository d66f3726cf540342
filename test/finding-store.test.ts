import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteFindingStore } from '../src/adapters/store/finding-store.js';
import { decisionStoreContract, findingStoreContract } from './support/store-contract.js';
import { tempDir } from './support/temp.js';

findingStoreContract({ name: 'SQLite', location: async () => path.join(tempDir('palisade-findings'), 'nested', 'findings.db') });
// The SQLite decision store's half of the shared contract (its admission tests are in test/admission-image-gate.test.ts).
decisionStoreContract({ name: 'SQLite', location: async () => path.join(tempDir('palisade-decisions'), 'decisions.db') });

describe('the finding store (SQLite)', () => {
  it('refuses a store of another schema, naming the file', () => {
    const file = path.join(tempDir('palisade-findings'), 'findings.db');
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', '99');");
    db.close();
    assert.throws(() => SqliteFindingStore.open(file), new RegExp(`${file.replace(/[.]/g, '\\.')}: finding store schema 99`));
  });
});
