import { asArray, asRecord, asStringRecord } from './values.js';

/**
 * Kubernetes label selector semantics: matchLabels and matchExpressions are
 * ANDed; NotIn and DoesNotExist match objects that lack the key; an empty
 * selector matches everything.
 */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string>): boolean {
  const record = asRecord(selector);
  if (!record) return true;
  for (const [key, value] of Object.entries(asStringRecord(record.matchLabels))) {
    if (labels[key] !== value) return false;
  }
  for (const item of asArray(record.matchExpressions)) {
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
