// Sign-in page: uses the session cookie set by /api/v1/auth/login and the CSRF token for
// state changes. Text from the server is inserted with textContent, never as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  const csrf = () => (document.cookie.match(/(?:^|; )omniline_csrf=([^;]*)/) || [])[1] || '';
  function show(me) {
    $('signin').hidden = !!me;
    $('me').hidden = !me;
    if (me) {
      $('me-name').textContent = me.name + ' <' + me.email + '>';
      $('me-role').textContent = me.role;
    }
  }
  async function refresh() {
    const r = await fetch('/api/v1/me', { credentials: 'same-origin' });
    show(r.ok ? await r.json() : null);
  }
  $('signin').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('error').textContent = '';
    const f = new FormData(ev.target);
    const r = await fetch('/api/v1/auth/login', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: f.get('email'), password: f.get('password') }),
    });
    if (r.ok) return refresh();
    const body = await r.json().catch(() => null);
    $('error').textContent = (body && body.error && body.error.message) || ('Sign-in failed: ' + r.status);
  });
  $('signout').addEventListener('click', async () => {
    await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin',
                                          headers: { 'X-CSRF-Token': csrf() } });
    show(null);
  });
  refresh();
})();
