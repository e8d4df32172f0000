// localStorage behind a small interface: it may be missing or throw (Safari private mode,
// storage disabled, quota), and then the widget still works for the life of the page.

export interface KV {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function memoryKV(): KV {
  const m = new Map<string, string>();
  return {
    get: (k) => (m.has(k) ? m.get(k)! : null),
    set: (k, v) => void m.set(k, v),
    remove: (k) => void m.delete(k),
  };
}

export function browserKV(): KV {
  const fallback = memoryKV();
  let ls: Storage | null = null;
  try {
    ls = window.localStorage;
    const probe = '__omniline_probe__';
    ls.setItem(probe, '1');
    ls.removeItem(probe);
  } catch {
    ls = null;
  }
  if (!ls) return fallback;
  const store = ls;
  return {
    get(k) {
      try {
        return store.getItem(k);
      } catch {
        return fallback.get(k);
      }
    },
    set(k, v) {
      try {
        store.setItem(k, v);
      } catch {
        fallback.set(k, v);
      }
    },
    remove(k) {
      try {
        store.removeItem(k);
      } catch {
        fallback.remove(k);
      }
    },
  };
}

export function readJSON<T>(kv: KV, key: string, fallback: T): T {
  const raw = kv.get(key);
  if (raw === null) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}
