import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../test/support/paths.js';
import { requireProgram } from '../test/support/programs.js';
import { admissionManifests } from './admission-manifests.js';

// Writes deploy/admission.yaml from deploy/chart (helm from scripts/provision.sh or PATH).
writeFileSync(path.join(REPO_ROOT, 'deploy/admission.yaml'), admissionManifests(requireProgram('helm'), REPO_ROOT));
console.log('wrote deploy/admission.yaml');
