import { logout } from '../api/endpoints';
import type { Employee } from '../api/types';
import { setMuted, useMuted } from '../alerts';
import { useStore, useStoreApi } from '../state/context';
import { resetAttachments } from '../state/attachments';
import { resetDrafts } from '../state/drafts';

/** Which part of the app the path is in: the top bar marks its link as the current page. */
export type Section = 'workspace' | 'drive' | 'admin';

export function TopBar({ me, onSignedOut, section }: { me: Employee; onSignedOut: () => void; section: Section }) {
  const store = useStoreApi();
  const away = useStore((s) => s.away);
  const muted = useMuted();

  const signOut = async () => {
    try {
      await logout();
    } catch {
      /* The session may already be gone; signing out locally is what matters. */
    }
    resetDrafts();
    resetAttachments();
    onSignedOut();
  };

  return (
    <header className="topbar">
      <nav className="topnav" aria-label="Main">
        <a href="/" aria-current={section === 'workspace' ? 'page' : undefined}>
          Contact center
        </a>
        <a href="/drive" aria-current={section === 'drive' ? 'page' : undefined}>
          Drive
        </a>
        {me.role === 'admin' && (
          <a href="/admin" aria-current={section === 'admin' ? 'page' : undefined}>
            Admin
          </a>
        )}
      </nav>
      <div className="topbar-right">
        <button type="button" className="btn btn-ghost" onClick={() => setMuted(!muted)}>
          {muted ? 'Unmute sound' : 'Mute sound'}
        </button>
        <span className={`presence ${away ? 'presence-away' : 'presence-online'}`} data-testid="my-presence">
          {away ? 'Away' : 'Online'}
        </span>
        <span className="switch">
          <button
            type="button"
            role="switch"
            aria-checked={away}
            aria-label="Away"
            className="switch-track"
            onClick={() => void store.setAway(!away)}
          >
            <span className="switch-thumb" />
          </button>
          <span aria-hidden="true">Away</span>
        </span>
        <span className="me-name" title={me.email}>
          {me.name}
        </span>
        <button type="button" className="btn btn-ghost" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
