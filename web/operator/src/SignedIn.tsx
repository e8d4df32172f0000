// Everything that lives while an employee is signed in: the store, the realtime connection,
// attention alerts, the top bar, and the page for the current path (the workspace, the Drive
// or the admin pages).
import { lazy, Suspense, useEffect, useMemo } from 'react';
import { getMe } from './api/endpoints';
import type { Employee } from './api/types';
import { armOnFirstGesture, beep, notify, titleFor } from './alerts';
import { TopBar } from './components/TopBar';
import { Toasts } from './components/Toasts';
import { Workspace } from './components/Workspace';
import { RealtimeClient, realtimeUrl } from './realtime';
import { isDrivePath, navigate, usePath } from './router';
import { StoreContext, useStore } from './state/context';
import { Store } from './state/store';
import { toPlainText } from './bbcode';
import { filesOf, filesPreview } from '../../shared/files';

export function SignedIn({ me, onSignedOut }: { me: Employee; onSignedOut: () => void }) {
  const store = useMemo(() => new Store(me), [me]);

  useEffect(() => {
    const rt = new RealtimeClient({
      url: realtimeUrl(),
      onEvent: (f) => store.apply(f),
      onSync: () => void store.sync(),
      onStatus: (s) => {
        store.setConnection(s);
        // The socket cannot tell us why it closed; an expired session shows up as a 401 here,
        // which sends the app back to the sign-in screen.
        if (s === 'offline') getMe().catch(() => {});
      },
    });
    store.setHooks({
      sendTyping: (id) => rt.send({ type: 'typing', dialog_id: id }),
      onNewUnanswered: (d) => {
        beep();
        const m = d.last_message && !d.last_message.hidden ? d.last_message : null;
        // A message of files alone is announced by their names.
        const last = m ? toPlainText(m.text) || filesPreview(filesOf(m)) : '';
        notify(`New dialog: ${d.title}`, last.slice(0, 200), () => navigate(`/dialogs/${d.id}`));
      },
      onMention: (m) => {
        beep();
        notify(`${m.by?.name || 'A colleague'} mentioned you`, (m.text ?? '').slice(0, 200), () =>
          navigate(`/dialogs/${m.dialog_id}`),
        );
      },
    });
    rt.start();
    const disarm = armOnFirstGesture();
    const onVisibility = () => document.visibilityState === 'visible' && store.onVisible();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      disarm();
      rt.stop();
      store.dispose();
    };
  }, [store]);

  return (
    <StoreContext.Provider value={store}>
      <Shell me={me} onSignedOut={onSignedOut} />
    </StoreContext.Provider>
  );
}

function Shell({ me, onSignedOut }: { me: Employee; onSignedOut: () => void }) {
  const path = usePath();
  const unanswered = useStore((s) => s.counts.unanswered);
  const connection = useStore((s) => s.connection);
  const isAdminPath = path === '/admin' || path.startsWith('/admin/');
  const onDrive = isDrivePath(path);

  useEffect(() => {
    document.title = titleFor(unanswered);
  }, [unanswered]);

  useEffect(() => {
    if (isAdminPath && me.role !== 'admin') navigate('/', true);
  }, [isAdminPath, me.role]);

  return (
    <div className="app">
      <TopBar me={me} onSignedOut={onSignedOut} section={isAdminPath ? 'admin' : onDrive ? 'drive' : 'workspace'} />
      {connection === 'offline' && (
        <div className="offline-banner" role="status" data-testid="offline-banner">
          Connection lost — reconnecting…
        </div>
      )}
      {isAdminPath && me.role === 'admin' ? (
        <AdminRoute me={me} />
      ) : onDrive ? (
        <DriveRoute me={me} />
      ) : (
        <Workspace me={me} path={path} />
      )}
      <Toasts />
    </div>
  );
}

// Admin pages are another engineer's module and only admins use them: keep them out of the
// operators' initial bundle.
const AdminPages = lazy(() => import('./admin/AdminPages'));

function AdminRoute({ me }: { me: Employee }) {
  return (
    <Suspense fallback={<p className="boot">Loading…</p>}>
      <AdminPages me={me} />
    </Suspense>
  );
}

// The Drive: every employee may use it, but it is not part of answering chats, so it loads on
// first visit too.
const DrivePage = lazy(() =>
  import('./drive/DrivePage').catch(() => ({
    default: () => (
      <main className="drive">
        <p className="boot" role="alert">
          The Drive could not be loaded. Reload the page and try again.
        </p>
      </main>
    ),
  })),
);

function DriveRoute({ me }: { me: Employee }) {
  return (
    <Suspense fallback={<p className="boot">Loading…</p>}>
      <DrivePage me={me} />
    </Suspense>
  );
}
