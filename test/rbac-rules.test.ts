import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  apiGroupMatches,
  isUnnamedRequest,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  ruleAllows,
  ruleAllowsEveryName,
  ruleAllowsSomeName,
  rulesAllow,
  toPolicyRule,
  verbMatches,
  type NonResourceRequest,
  type PolicyRule,
  type ResourceRequest,
} from '../src/core/rbac/rules.js';

function rule(partial: Partial<PolicyRule>): PolicyRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...partial };
}

function request(verb: string, apiGroup: string, resource: string, subresource = '', name = ''): ResourceRequest {
  return { verb, apiGroup, resource, subresource, name };
}

describe('rbac rule matching: cases', () => {
  it('a * verb matches every verb, the special ones included', () => {
    const r = rule({ verbs: ['*'], apiGroups: ['g'], resources: ['things'] });
    for (const verb of ['get', 'list', 'bind', 'escalate', 'impersonate', 'approve', 'use', 'anything-new']) {
      assert.equal(ruleAllows(r, request(verb, 'g', 'things')), true, verb);
    }
    assert.equal(ruleAllows(r, request('get', 'other', 'things')), false);
    assert.equal(ruleAllows(r, request('get', 'g', 'others')), false);
  });

  it('verbs are literal and case-sensitive', () => {
    const r = rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] });
    assert.equal(verbMatches(r, 'get'), true);
    assert.equal(verbMatches(r, 'GET'), false);
    assert.equal(verbMatches(r, 'list'), false);
    assert.equal(verbMatches(rule({ verbs: ['g*'] }), 'get'), false);
  });

  it('a * group matches every group, the core group included; "" matches only the core group', () => {
    const star = rule({ apiGroups: ['*'] });
    for (const group of ['', 'apps', 'example.com']) assert.equal(apiGroupMatches(star, group), true);
    const core = rule({ apiGroups: [''] });
    assert.equal(apiGroupMatches(core, ''), true);
    assert.equal(apiGroupMatches(core, 'apps'), false);
    assert.equal(apiGroupMatches(rule({ apiGroups: [] }), ''), false);
  });

  it('a * resource matches every resource and every subresource', () => {
    const r = rule({ resources: ['*'] });
    assert.equal(resourceMatches(r, 'pods'), true);
    assert.equal(resourceMatches(r, 'pods', 'exec'), true);
    assert.equal(resourceMatches(r, 'nodes', 'proxy'), true);
  });

  it('pods does not cover pods/exec and pods/exec does not cover pods', () => {
    assert.equal(resourceMatches(rule({ resources: ['pods'] }), 'pods', 'exec'), false);
    assert.equal(resourceMatches(rule({ resources: ['pods/exec'] }), 'pods'), false);
    assert.equal(resourceMatches(rule({ resources: ['pods/exec'] }), 'pods', 'exec'), true);
    assert.equal(resourceMatches(rule({ resources: ['pods/exec'] }), 'pods', 'attach'), false);
  });

  it('*/scale matches the scale subresource of any resource, and nothing else', () => {
    const r = rule({ resources: ['*/scale'] });
    assert.equal(resourceMatches(r, 'deployments', 'scale'), true);
    assert.equal(resourceMatches(r, 'widgets', 'scale'), true);
    assert.equal(resourceMatches(r, 'deployments'), false);
    assert.equal(resourceMatches(r, 'deployments', 'status'), false);
    assert.equal(resourceMatches(r, 'deployments', 'xscale'), false);
  });

  it('*/* and pods/* are literal: they match only a subresource named *', () => {
    assert.equal(resourceMatches(rule({ resources: ['*/*'] }), 'pods', 'exec'), false);
    assert.equal(resourceMatches(rule({ resources: ['*/*'] }), 'pods'), false);
    assert.equal(resourceMatches(rule({ resources: ['*/*'] }), 'pods', '*'), true);
    assert.equal(resourceMatches(rule({ resources: ['pods/*'] }), 'pods', 'exec'), false);
    assert.equal(resourceMatches(rule({ resources: ['userextras/*'] }), 'userextras', 'scopes'), false);
    assert.equal(resourceMatches(rule({ resources: ['*/'] }), 'pods'), false);
    assert.equal(resourceMatches(rule({ resources: ['**'] }), 'pods'), false);
  });

  it('resourceNames: empty means all; otherwise exact, so unnamed requests are refused', () => {
    assert.equal(resourceNameMatches(rule({}), ''), true);
    assert.equal(resourceNameMatches(rule({}), 'x'), true);
    const named = rule({ verbs: ['create', 'get'], apiGroups: [''], resources: ['pods', 'pods/exec'], resourceNames: ['web'] });
    assert.equal(ruleAllows(named, request('get', '', 'pods', '', 'web')), true);
    assert.equal(ruleAllows(named, request('get', '', 'pods', '', 'db')), false);
    assert.equal(ruleAllows(named, request('create', '', 'pods')), false);
    assert.equal(ruleAllows(named, request('create', '', 'pods', 'exec', 'web')), true);
    assert.equal(ruleAllowsSomeName(named, { verb: 'create', apiGroup: '', resource: 'pods' }), false);
    assert.equal(ruleAllowsSomeName(named, { verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec' }), true);
    assert.equal(ruleAllowsSomeName(named, { verb: 'get', apiGroup: '', resource: 'pods' }), true);
    assert.equal(ruleAllowsEveryName(named, { verb: 'get', apiGroup: '', resource: 'pods' }), false);
  });

  it('every list has to match: verbs, groups and resources are a cross product', () => {
    const r = rule({ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'] });
    for (const verb of ['get', 'list'])
      for (const group of ['', 'apps'])
        for (const resource of ['pods', 'deployments']) assert.equal(ruleAllows(r, request(verb, group, resource)), true);
    assert.equal(ruleAllows(r, request('create', 'apps', 'deployments')), false);
    assert.equal(ruleAllows(r, request('get', 'batch', 'deployments')), false);
    assert.equal(ruleAllows(r, request('get', 'apps', 'jobs')), false);
  });

  it('non-resource URLs: *, exact, and prefixes ending in *', () => {
    const r = rule({ verbs: ['get'], nonResourceURLs: ['/healthz', '/metrics/*', '/version*'] });
    const get = (path: string): NonResourceRequest => ({ verb: 'get', path });
    assert.equal(ruleAllows(r, get('/healthz')), true);
    assert.equal(ruleAllows(r, get('/healthz/etcd')), false);
    assert.equal(ruleAllows(r, get('/metrics')), false);
    assert.equal(ruleAllows(r, get('/metrics/cadvisor')), true);
    assert.equal(ruleAllows(r, get('/version')), true);
    assert.equal(ruleAllows(r, get('/versions')), true);
    assert.equal(ruleAllows(r, { verb: 'post', path: '/healthz' }), false);
    assert.equal(nonResourceURLMatches(rule({ nonResourceURLs: ['*'] }), '/anything'), true);
    assert.equal(nonResourceURLMatches(rule({ nonResourceURLs: ['/api**'] }), '/apis/x'), true);
    // a resource rule never allows a non-resource request and vice versa
    assert.equal(ruleAllows(rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), get('/healthz')), false);
    assert.equal(ruleAllows(rule({ verbs: ['*'], nonResourceURLs: ['*'] }), request('get', '', 'pods')), false);
  });

  it('unnamed requests are create on a collection and deletecollection', () => {
    assert.equal(isUnnamedRequest('create'), true);
    assert.equal(isUnnamedRequest('create', 'exec'), false);
    assert.equal(isUnnamedRequest('deletecollection'), true);
    assert.equal(isUnnamedRequest('list'), false);
  });

  it('toPolicyRule reads lists of strings and drops anything else', () => {
    assert.deepEqual(toPolicyRule({ verbs: ['get', 1, null, 'list'], resources: 'pods', apiGroups: [''] }), {
      verbs: ['get', 'list'],
      apiGroups: [''],
      resources: [],
      resourceNames: [],
      nonResourceURLs: [],
    });
    assert.deepEqual(toPolicyRule(null), rule({}));
  });
});

// ------------------------------------------------------------------ properties

/** Small alphabets so that rules and requests collide often; '' and '*' included. */
const verbArb = fc.constantFrom('get', 'list', 'create', 'impersonate', 'GET', '*', '');
const groupArb = fc.constantFrom('', 'apps', 'rbac.authorization.k8s.io', '*');
const resourceNameArb = fc.constantFrom('pods', 'secrets', 'nodes', '*', '');
const subresourceArb = fc.constantFrom('', 'exec', 'proxy', 'scale', '*');
const ruleResourceArb = fc.oneof(
  resourceNameArb,
  fc.constantFrom('*/', 'pods/', '/exec', '**'),
  fc.tuple(resourceNameArb, subresourceArb).map(([r, s]) => (s === '' ? r : `${r}/${s}`)),
  fc.string({ maxLength: 6 }),
);
const nameArb = fc.constantFrom('', 'a', 'b', 'web');
const urlArb = fc.constantFrom('/healthz', '/healthz/etcd', '/metrics', '/api', '/apis/apps', '');
const ruleURLArb = fc.oneof(urlArb, urlArb.map((u) => `${u}*`), fc.constant('*'), fc.string({ maxLength: 5 }));

const policyRuleArb: fc.Arbitrary<PolicyRule> = fc.record({
  verbs: fc.array(fc.oneof(verbArb, fc.string({ maxLength: 4 })), { maxLength: 4 }),
  apiGroups: fc.array(groupArb, { maxLength: 3 }),
  resources: fc.array(ruleResourceArb, { maxLength: 4 }),
  resourceNames: fc.array(nameArb, { maxLength: 3 }),
  nonResourceURLs: fc.array(ruleURLArb, { maxLength: 3 }),
});

const resourceRequestArb: fc.Arbitrary<ResourceRequest> = fc.record({
  verb: fc.oneof(verbArb, fc.string({ maxLength: 4 })),
  apiGroup: fc.oneof(groupArb, fc.string({ maxLength: 4 })),
  resource: fc.oneof(resourceNameArb, fc.string({ maxLength: 4 })),
  subresource: fc.oneof(subresourceArb, fc.string({ maxLength: 4 })),
  name: nameArb,
});

const nonResourceRequestArb: fc.Arbitrary<NonResourceRequest> = fc.record({ verb: verbArb, path: fc.oneof(urlArb, fc.string({ maxLength: 6 })) });

/**
 * An independent transcription of the Go source (evaluation_helpers.go and RuleAllows),
 * kept literal, including its length arithmetic for `*\/subresource`.
 */
function goRuleAllows(r: PolicyRule, req: ResourceRequest | NonResourceRequest): boolean {
  const hasPrefix = (s: string, p: string) => s.slice(0, p.length) === p;
  const hasSuffix = (s: string, p: string) => p.length <= s.length && s.slice(s.length - p.length) === p;
  let verbOK = false;
  for (const v of r.verbs) if (v === '*' || v === req.verb) verbOK = true;
  if ('path' in req) {
    let urlOK = false;
    for (const u of r.nonResourceURLs) {
      if (u === '*' || u === req.path) urlOK = true;
      else if (hasSuffix(u, '*')) {
        let trimmed = u;
        while (trimmed.endsWith('*')) trimmed = trimmed.slice(0, -1);
        if (hasPrefix(req.path, trimmed)) urlOK = true;
      }
    }
    return verbOK && urlOK;
  }
  const sub = req.subresource ?? '';
  const combined = sub.length > 0 ? `${req.resource}/${sub}` : req.resource;
  let groupOK = false;
  for (const g of r.apiGroups) if (g === '*' || g === req.apiGroup) groupOK = true;
  let resourceOK = false;
  for (const e of r.resources) {
    if (e === '*' || e === combined) {
      resourceOK = true;
      continue;
    }
    if (sub.length === 0) continue;
    if (e.length === sub.length + 2 && hasPrefix(e, '*/') && hasSuffix(e, sub)) resourceOK = true;
  }
  let nameOK = r.resourceNames.length === 0;
  for (const n of r.resourceNames) if (n === (req.name ?? '')) nameOK = true;
  return verbOK && groupOK && resourceOK && nameOK;
}

const RUNS = { numRuns: 2000 };

describe('rbac rule matching: properties', () => {
  it('agrees with a literal transcription of the Go authorizer on resource requests', () => {
    fc.assert(fc.property(policyRuleArb, resourceRequestArb, (r, req) => ruleAllows(r, req) === goRuleAllows(r, req)), RUNS);
  });

  it('agrees with a literal transcription of the Go authorizer on non-resource requests', () => {
    fc.assert(fc.property(policyRuleArb, nonResourceRequestArb, (r, req) => ruleAllows(r, req) === goRuleAllows(r, req)), RUNS);
  });

  it('is the conjunction of verb, group, resource and name matching', () => {
    fc.assert(
      fc.property(policyRuleArb, resourceRequestArb, (r, req) => {
        const expected =
          verbMatches(r, req.verb) && apiGroupMatches(r, req.apiGroup) && resourceMatches(r, req.resource, req.subresource) && resourceNameMatches(r, req.name ?? '');
        return ruleAllows(r, req) === expected;
      }),
      RUNS,
    );
  });

  it("'*' in verbs, groups or resources matches any value", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (verb, group, subresource) => {
        const resource = 'r';
        return (
          verbMatches(rule({ verbs: ['x', '*'] }), verb) &&
          apiGroupMatches(rule({ apiGroups: ['*'] }), group) &&
          resourceMatches(rule({ resources: ['*'] }), resource, subresource)
        );
      }),
    );
  });

  it('a resource entry without a wildcard never covers a subresource of it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => s !== '*' && !s.startsWith('*/')), fc.string({ minLength: 1 }), (resource, subresource) =>
        !resourceMatches(rule({ resources: [resource] }), resource, subresource),
      ),
    );
  });

  it("'*/s' covers subresource s of every resource and nothing else", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string(), (resource, s, t) => {
        const r = rule({ resources: [`*/${s}`] });
        return resourceMatches(r, resource, s) && !resourceMatches(r, resource, '') && (t === s || !resourceMatches(r, resource, t));
      }),
    );
  });

  it('is monotone: adding entries never takes a permission away (resourceNames aside)', () => {
    const fieldArb = fc.constantFrom('verbs', 'apiGroups', 'resources', 'nonResourceURLs');
    fc.assert(
      fc.property(policyRuleArb, fc.oneof(resourceRequestArb, nonResourceRequestArb), fieldArb, fc.string({ maxLength: 5 }), (r, req, field, extra) => {
        const wider: PolicyRule = { ...r, [field]: [...r[field], extra] };
        return !ruleAllows(r, req) || ruleAllows(wider, req);
      }),
      RUNS,
    );
  });

  it('resourceNames only narrow: clearing them never takes a permission away, adding one to a non-empty list neither', () => {
    fc.assert(
      fc.property(policyRuleArb, resourceRequestArb, nameArb, (r, req, extra) => {
        const cleared = { ...r, resourceNames: [] };
        const more = { ...r, resourceNames: [...r.resourceNames, extra] };
        return (!ruleAllows(r, req) || ruleAllows(cleared, req)) && (r.resourceNames.length === 0 || !ruleAllows(r, req) || ruleAllows(more, req));
      }),
      RUNS,
    );
  });

  it('does not depend on the order of list entries', () => {
    fc.assert(
      fc.property(policyRuleArb, resourceRequestArb, (r, req) => {
        const reversed: PolicyRule = {
          verbs: [...r.verbs].reverse(),
          apiGroups: [...r.apiGroups].reverse(),
          resources: [...r.resources].reverse(),
          resourceNames: [...r.resourceNames].reverse(),
          nonResourceURLs: [...r.nonResourceURLs].reverse(),
        };
        return ruleAllows(r, req) === ruleAllows(reversed, req);
      }),
      RUNS,
    );
  });

  it('a set of rules allows exactly what one of them allows', () => {
    fc.assert(
      fc.property(fc.array(policyRuleArb, { maxLength: 4 }), resourceRequestArb, (rules, req) => rulesAllow(rules, req) === rules.some((r) => ruleAllows(r, req))),
      RUNS,
    );
  });

  it('ruleAllowsSomeName: some name the request could carry is allowed', () => {
    fc.assert(
      fc.property(policyRuleArb, resourceRequestArb, (r, { name: _name, ...req }) => {
        const candidates = isUnnamedRequest(req.verb, req.subresource) ? [''] : ['\u0000fresh', '', ...r.resourceNames];
        return ruleAllowsSomeName(r, req) === candidates.some((name) => ruleAllows(r, { ...req, name }));
      }),
      RUNS,
    );
  });

  it('ruleAllowsEveryName: allowed for a name the rule does not list', () => {
    fc.assert(
      fc.property(policyRuleArb, resourceRequestArb, (r, { name: _name, ...req }) => ruleAllowsEveryName(r, req) === ruleAllows(r, { ...req, name: '\u0000fresh' })),
      RUNS,
    );
  });

  it('allows a request made of unlisted values exactly when verbs, groups and resources hold * and names are open', () => {
    fc.assert(
      fc.property(policyRuleArb, (r) => {
        const fresh = '\u0000fresh';
        const allows = ruleAllows(r, request(fresh, fresh, fresh, fresh, fresh));
        const wildcards = r.verbs.includes('*') && r.apiGroups.includes('*') && r.resources.includes('*') && r.resourceNames.length === 0;
        return allows === wildcards;
      }),
      RUNS,
    );
  });
});
