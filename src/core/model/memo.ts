/**
 * A pure function of a string, remembered in a bounded table: image references and the like
 * repeat across objects (every replica, every update of a workload), so each distinct string
 * is worked out once. The table is emptied when full, so memory stays bounded whatever the
 * input. Results are shared between callers: they must be treated as read-only (freeze them).
 */
export function memoizeByString<T>(compute: (key: string) => T, capacity = 4096): (key: string) => T {
  const table = new Map<string, T>();
  return (key) => {
    let value = table.get(key);
    if (value === undefined && !table.has(key)) {
      value = compute(key);
      if (table.size >= capacity) table.clear();
      table.set(key, value);
    }
    return value as T;
  };
}
