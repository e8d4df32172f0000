// React access to the workspace store: components select the slice they render, and only
// re-render when that slice changes (selectors must return parts of the state, not new objects).
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { State, Store } from './store';

export const StoreContext = createContext<Store | null>(null);

export function useStoreApi(): Store {
  const s = useContext(StoreContext);
  if (!s) throw new Error('useStoreApi outside <StoreContext.Provider>');
  return s;
}

export function useStore<T>(select: (s: State) => T): T {
  const store = useStoreApi();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
