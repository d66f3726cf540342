import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { resolvePlan } from '../src/core/engine/config.js';
import { compilePlan, evaluateResource } from '../src/core/engine/run.js';
import { imageResultsFrom, type ImageScanSummary } from '../src/core/images/results.js';
import { ANY_KIND, defineAnalysis, type AnyAnalysis } from '../src/core/inventory/analysis.js';
import { buildInventory } from '../src/core/inventory/inventory.js';
import { checkNeeds, kindsMissingFromCatalog, kindsToRead } from '../src/core/inventory/reads.js';
import { KIND_CATALOG } from '../src/core/kinds/catalog.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { defineCheck, type AnyCheck } from '../src/core/model/check.js';
import type { Resource } from '../src/core/model/resource.js';
import { CLUSTER_KINDS } from '../src/adapters/cluster/read.js';
import { loadText } from '../src/adapters/manifests/documents.js';
import { parseStream } from '../src/adapters/manifests/yaml.js';
import { recordingInventory, undeclaredByAnalysis, type Access } from './support/recording-inventory.js';
import { FIXED_NOW } from './support/scan.js';
import { repoPath, SHARED } from './support/paths.js';
import { fixtureSignatures } from './support/fixture-signatures.js';
import type { SignatureResults } from '../src/core/images/signatures.js';

const FIXTURES = repoPath('test/fixtures/checks');

/** Object sets to run checks on: each check's own fixtures (one set per file) and the shared corpus. */
function objectSets(): Array<{ name: string; resources: Resource[]; images?: ReturnType<typeof imageResultsFrom>; signatures?: SignatureResults }> {
  const sets: Array<{ name: string; resources: Resource[]; images?: ReturnType<typeof imageResultsFrom>; signatures?: SignatureResults }> = [];
  for (const id of readdirSync(FIXTURES).sort()) {
    const directory = path.join(FIXTURES, id);
    const imagesFile = path.join(directory, 'images.yaml');
    const images = existsSync(imagesFile)
      ? (() => {
          const value = parseStream(readFileSync(imagesFile, 'utf8'))[0]?.value as { databaseUpdatedAt?: string; images: ImageScanSummary[] };
          return imageResultsFrom(value.images, value.databaseUpdatedAt);
        })()
      : undefined;
    const signatures = fixtureSignatures(directory);
    for (const file of readdirSync(directory).filter((name) => /^(valid|invalid).*\.ya?ml$/.test(name))) {
      sets.push({ name: `${id}/${file}`, resources: loadText(readFileSync(path.join(directory, file), 'utf8'), file).resources, ...(images ? { images } : {}), ...(signatures ? { signatures } : {}) });
    }
  }
  for (const folder of ['kube-prometheus', 'microservices-demo']) {
    const directory = path.join(SHARED, 'corpus', folder);
    const resources = readdirSync(directory)
      .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
      .sort()
      .flatMap((file) => loadText(readFileSync(path.join(directory, file), 'utf8'), file).resources);
    sets.push({ name: `corpus/${folder}`, resources });
  }
  return sets;
}

/** The namespace an object's own lookups may use under scope 'namespace'. */
function ownNamespace(resource: Resource): string | undefined {
  return resource.ref.kind === 'Namespace' ? resource.ref.name : resource.ref.namespace;
}

/** Every lookup the checks make on the object sets that their declarations do not cover. */
function undeclaredReads(checks: readonly AnyCheck[], sets: ReturnType<typeof objectSets>): string[] {
  const problems = new Set<string>();
  const { plan } = resolvePlan(checks, { now: FIXED_NOW, enable: ['*'] });
  for (const planned of plan.checks) {
    const { check } = planned;
    const needs = checkNeeds(check);
    const declared = new Set(check.reads?.analyses ?? []);
    const compiled = compilePlan({ ...plan, checks: [planned], inlineExceptions: false, exceptions: [] });
    for (const set of sets) {
      const base = buildInventory(set.resources, { ...(set.images ? { images: set.images } : {}), ...(set.signatures ? { signatures: set.signatures } : {}) });
      const analyses = new Map<AnyAnalysis, unknown>();
      for (const resource of set.resources) {
        const own = ownNamespace(resource);
        const onAccess = (access: Access) => {
          if ('images' in access) {
            if (!needs.images) problems.add(`${check.id} reads image results without declaring reads.images`);
          } else if ('analysis' in access) {
            if (!declared.has(access.analysis)) problems.add(`${check.id} gets analysis ${access.analysis.id} without declaring it`);
          } else {
            const kinds = check.reads?.kinds ?? [];
            if (!kinds.includes(access.kind) && !kinds.includes(ANY_KIND)) problems.add(`${check.id} reads ${access.kind} without declaring it`);
            // Its own lookups reach as far as reads.lookups says, else its scope.
            const reach = check.reads?.lookups ?? needs.scope;
            if (reach === 'namespace' && access.namespace !== own) problems.add(`${check.id} declares ${check.reads?.lookups ? 'lookups' : 'scope'} 'namespace' but reads ${access.kind} in ${access.namespace === '*' ? 'every namespace' : `namespace ${access.namespace}`} (evaluating ${resource.ref.kind} in ${own})`);
          }
        };
        const onAnalysis = (analysis: AnyAnalysis, access: Access) => {
          const problem = undeclaredByAnalysis(analysis, access);
          if (problem) problems.add(problem);
        };
        evaluateResource(resource, recordingInventory(base, onAccess, onAnalysis, analyses), compiled);
      }
    }
  }
  return [...problems].sort();
}

describe('checks declare what they read', () => {
  const sets = objectSets();

  it('every check and analysis reads only what it declares, on every fixture and the corpus', () => {
    assert.deepEqual(undeclaredReads(ALL_CHECKS, sets), []);
  });

  it('an undeclared read is caught (the verifier can fail)', () => {
    const hidden = defineAnalysis({ id: 'test/hidden', reads: ['Service'], scope: 'cluster', build: (inventory) => inventory.ofKind('ConfigMap').length });
    const sneaky = defineCheck({
      ...ALL_CHECKS.find((check) => check.id === 'host-network')!,
      id: 'test-sneaky',
      reads: { kinds: ['Service'], scope: 'namespace' },
      *evaluate({ inventory }) {
        inventory.ofKind('ServiceAccount');
        inventory.ofKind('Service');
        inventory.get(hidden);
      },
    });
    const problems = undeclaredReads([sneaky], sets.filter((set) => set.name === 'corpus/microservices-demo'));
    assert.deepEqual(problems, [
      'analysis test/hidden reads ConfigMap without declaring it',
      "test-sneaky declares scope 'namespace' but reads Service in every namespace (evaluating Deployment in default)",
      "test-sneaky declares scope 'namespace' but reads ServiceAccount in every namespace (evaluating Deployment in default)",
      'test-sneaky gets analysis test/hidden without declaring it',
      'test-sneaky reads ServiceAccount without declaring it',
    ]);
    // A cluster-scope check whose lookups say 'namespace' is held to that for its own lookups.
    const narrow = defineCheck({
      ...ALL_CHECKS.find((check) => check.id === 'host-network')!,
      id: 'test-narrow',
      reads: { kinds: ['Service'], lookups: 'namespace', analyses: [hidden], scope: 'cluster' },
      *evaluate({ inventory }) {
        inventory.ofKind('Service');
        inventory.get(hidden);
      },
    });
    assert.deepEqual(undeclaredReads([narrow], sets.filter((set) => set.name === 'corpus/microservices-demo')), [
      'analysis test/hidden reads ConfigMap without declaring it',
      "test-narrow declares lookups 'namespace' but reads Service in every namespace (evaluating Deployment in default)",
    ]);
  });

  it("a declared scope agrees with the analyses' scopes", () => {
    for (const check of ALL_CHECKS) {
      if (check.reads) assert.equal(checkNeeds(check).scope, check.reads.scope, `${check.id}: declares scope ${check.reads.scope} but uses a cluster-wide analysis`);
    }
  });
});

describe('kinds carry their API group and the cluster reads are derived', () => {
  it('every kind a check applies to or reads is in the kind catalog', () => {
    assert.deepEqual(kindsMissingFromCatalog(ALL_CHECKS), []);
  });

  it("the catalog's scopes agree with the scope table", () => {
    for (const info of KIND_CATALOG) assert.equal(info.namespaced, !isClusterScoped(info.kind), info.kind);
  });

  it('a cluster scan lists every listable kind a check applies to or reads (HTTPRoute included), and nothing else', () => {
    const listed = CLUSTER_KINDS.map((kind) => kind.kind);
    assert.deepEqual(listed, kindsToRead(ALL_CHECKS).map((info) => info.kind));
    for (const check of ALL_CHECKS) {
      const needs = checkNeeds(check);
      for (const kind of [...needs.appliesTo, ...needs.reads]) {
        const info = KIND_CATALOG.find((entry) => entry.kind === kind);
        if (info && info.list !== 'no') assert.ok(listed.includes(kind), `${check.id} needs ${kind}, which a cluster scan does not list`);
      }
    }
    assert.ok(listed.includes('HTTPRoute'));
    assert.equal(CLUSTER_KINDS.find((kind) => kind.kind === 'Secret')?.metadataOnly, true);
  });

  it('a check that declares nothing is evaluated on its object alone', () => {
    const objectOnly = ALL_CHECKS.filter((check) => !check.reads);
    assert.ok(objectOnly.length > 100, `${objectOnly.length} checks read only their object`);
    for (const check of objectOnly) assert.equal(checkNeeds(check).scope, 'object');
  });
});
