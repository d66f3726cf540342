import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/**
 * The SARIF 2.1.0 JSON schema, from the devDependency @microsoft/jest-sarif
 * (lib/schemas/sarif-2.1.0-rtm.5.json, the SchemaStore copy Microsoft's SARIF SDK
 * validates with). Its validation keywords are identical to the OASIS Standard's
 * sarif-schema-2.1.0.json (docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/);
 * only its title, its id and eight guid descriptions differ, and it declares
 * draft-04 where the OASIS file declares draft-07. It uses no keyword whose
 * meaning differs between the two drafts (asserted below), so it is compiled
 * as draft-07, as the OASIS file would be.
 */
export const SARIF_SCHEMA_FILE = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/** Keywords whose draft-04 and draft-07 meanings agree. */
export const PORTABLE_KEYWORDS = new Set([
  '$schema', 'id', 'title', 'description', 'default', 'type', 'properties', 'additionalProperties', 'required', 'items', 'minItems',
  'uniqueItems', 'enum', 'format', 'pattern', 'minimum', 'maximum', '$ref', 'anyOf', 'oneOf', 'definitions',
]);

export function sarifSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
}

/** Every keyword the schema uses (property names under properties/definitions are not keywords). */
export function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) keywordsOf(item, out);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      out.add(key);
      if ((key === 'properties' || key === 'definitions') && value !== null && typeof value === 'object') {
        for (const child of Object.values(value)) keywordsOf(child, out);
      } else if (key !== 'enum' && key !== 'default' && key !== 'required') keywordsOf(value, out);
    }
  }
  return out;
}

export function sarifValidator(): ValidateFunction {
  const schema = sarifSchema();
  const { $schema: _draft, id, ...rest } = schema;
  void _draft;
  // The schema's `language` pattern ("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$", as in the OASIS
  // file) is not a valid regular expression under the `u` flag Ajv uses by default.
  const ajv = new Ajv.default({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}
