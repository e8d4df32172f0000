// The contact center: the dialog list, the open dialog and the customer panel. The open
// dialog is the path (`/dialogs/:id`), so it survives reloads and can be linked to.
import { useEffect } from 'react';
import type { Employee } from '../api/types';
import { dialogIdOf } from '../router';
import { useStore, useStoreApi } from '../state/context';
import { CustomerPanel } from './CustomerPanel';
import { DialogList } from './DialogList';
import { DialogView } from './DialogView';

export function Workspace({ me, path }: { me: Employee; path: string }) {
  const store = useStoreApi();
  const openId = dialogIdOf(path);
  const dialog = useStore((s) => (openId === null ? undefined : s.dialogs.get(openId)));
  const openError = useStore((s) => s.openError);

  useEffect(() => {
    void store.open(openId);
  }, [store, openId]);

  return (
    <main className="workspace">
      <DialogList me={me} openId={openId} />
      {openId !== null && dialog ? (
        <>
          <DialogView me={me} dialog={dialog} />
          <CustomerPanel dialog={dialog} />
        </>
      ) : (
        <section className="dialog-empty" aria-label="Dialog">
          {openId === null ? (
            <p>Select a dialog on the left.</p>
          ) : openError ? (
            <p role="alert">{openError}</p>
          ) : (
            <p>Loading dialog…</p>
          )}
        </section>
      )}
    </main>
  );
}
