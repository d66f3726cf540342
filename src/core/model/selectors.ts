import { asArray, asRecord, asStringRecord } from './values.js';

/**
 * Kubernetes label selector semantics: matchLabels and matchExpressions are
 * ANDed; NotIn and DoesNotExist match objects that lack the key; an empty
 * selector matches everything.
 */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string>): boolean {
  const record = asRecord(selector);
  if (!record) return true;
  const matchLabels = record.matchLabels;
  if (matchLabels !== null && typeof matchLabels === 'object') {
    for (const key in matchLabels) {
      const value = (matchLabels as Record<string, unknown>)[key];
      if (value !== null && value !== undefined && labels[key] !== String(value)) return false;
    }
  }
  const expressions = record.matchExpressions;
  return !Array.isArray(expressions) || expressions.length === 0 || matchesExpressions(expressions, labels);
}

/** A selector as a function, for hot loops that test one selector against many label sets. */
export function compileLabelSelector(record: Record<string, unknown>): (labels: Record<string, string>) => boolean {
  const matchLabels = asStringRecord(record.matchLabels);
  const keys = Object.keys(matchLabels);
  const values = keys.map((key) => matchLabels[key]!);
  const expressions = asArray(record.matchExpressions);
  return (labels) => {
    for (let index = 0; index < keys.length; index++) if (labels[keys[index]!] !== values[index]) return false;
    return expressions.length === 0 || matchesExpressions(expressions, labels);
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
