import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { REPO_ROOT } from '../test/support/paths.js';
import { renderDocs } from './docs.js';
import { renderVapDocs, VAP_DOCS_FILE } from './vap-docs.js';
import { renderDetectionDocs } from './detection-docs.js';
import { ALL_DETECTIONS } from '../src/core/detections/index.js';

const generated = renderDocs(ALL_CHECKS, REPO_ROOT);
const pages = path.join(REPO_ROOT, 'docs/checks');
mkdirSync(pages, { recursive: true });
// Pages of checks that no longer exist go away.
for (const file of readdirSync(pages)) if (!generated.has(`docs/checks/${file}`)) rmSync(path.join(pages, file));
for (const [file, content] of generated) writeFileSync(path.join(REPO_ROOT, file), content);
writeFileSync(path.join(REPO_ROOT, VAP_DOCS_FILE), renderVapDocs(ALL_CHECKS));
// The detection catalog, after the check catalog: both rewrite their part of README.md.
const detectionDocs = renderDetectionDocs(ALL_DETECTIONS, REPO_ROOT);
const detectionPages = path.join(REPO_ROOT, 'docs/detections');
mkdirSync(detectionPages, { recursive: true });
for (const file of readdirSync(detectionPages)) if (!detectionDocs.has(`docs/detections/${file}`)) rmSync(path.join(detectionPages, file));
for (const [file, content] of detectionDocs) writeFileSync(path.join(REPO_ROOT, file), content);
console.log(`wrote ${generated.size + detectionDocs.size + 1} files`);
