import { asArray, asRecord, asStringRecord } from './values.js';

/**
 * Kubernetes label selector semantics: matchLabels and matchExpressions are
 * ANDed; NotIn and DoesNotExist match objects that lack the key; an empty
 * selector matches everything.
 */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string>): boolean {
  const record = asRecord(selector);
  if (!record) return true;
  let compiled = COMPILED.get(record);
  if (!compiled) COMPILED.set(record, (compiled = compileLabelSelector(record)));
  return compiled(labels);
}

/** Selectors are compiled once per selector object: relational checks test each against many label sets. */
const COMPILED = new WeakMap<object, (labels: Record<string, string>) => boolean>();

function compileLabelSelector(record: Record<string, unknown>): (labels: Record<string, string>) => boolean {
  const required = Object.entries(asStringRecord(record.matchLabels));
  const expressions = asArray(record.matchExpressions);
  if (expressions.length === 0) {
    return (labels) => {
      for (const [key, value] of required) if (labels[key] !== value) return false;
      return true;
    };
  }
  return (labels) => {
    for (const [key, value] of required) if (labels[key] !== value) return false;
    return matchesExpressions(expressions, labels);
  };
}

function matchesExpressions(expressions: unknown[], labels: Record<string, string>): boolean {
  for (const item of expressions) {
    const expression = asRecord(item);
    if (!expression) return false;
    const key = String(expression.key ?? '');
    const values = asArray(expression.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service-style selector (a plain map); an empty or missing map selects nothing. */
export function matchesMapSelector(selector: unknown, labels: Record<string, string>): boolean {
  const entries = Object.entries(asStringRecord(selector));
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => labels[key] === value);
}
