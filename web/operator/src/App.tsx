// The app shell: who is signed in, then the signed-in session (store + realtime) with the
// workspace or the admin pages by path.
import { useEffect, useState } from 'react';
import { ApiError, setUnauthorizedHandler } from './api/client';
import { getMe } from './api/endpoints';
import type { Employee } from './api/types';
import { SignIn } from './components/SignIn';
import { SignedIn } from './SignedIn';

export function App() {
  // undefined: still asking the server whether the session cookie is valid.
  const [me, setMe] = useState<Employee | null | undefined>(undefined);
  const [bootError, setBootError] = useState('');

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    getMe()
      .then(setMe)
      .catch((e) => {
        if (e instanceof ApiError && e.status === 401) setMe(null);
        else setBootError(e instanceof Error ? e.message : String(e));
      });
    return () => setUnauthorizedHandler(null);
  }, []);

  if (bootError) {
    return (
      <main className="signin">
        <p role="alert">{bootError}</p>
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          Retry
        </button>
      </main>
    );
  }
  if (me === undefined) return <p className="boot">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  return <SignedIn me={me} onSignedOut={() => setMe(null)} />;
}

