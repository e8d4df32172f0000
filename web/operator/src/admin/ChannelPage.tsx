// One channel: name, webchat origins, embed snippet and widget settings, the custom connector's endpoint,
// secret and webhook, or a Telegram channel's bot (never its token); deactivate and delete.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { Channel, TelegramBot } from '../api/types';
import { useConfirm } from './ConfirmDialog';
import { CopyButton, ErrorBox, Link, Loading, StatusText, errorText } from './common';
import { validateName } from './EmployeesPage';
import { KIND_LABEL } from './LinePage';
import { navigate } from './router';
import { forgetSecret, freshSecret, rememberSecret } from './secrets';
import { WidgetForm } from './WidgetForm';

export function embedSnippet(origin: string, channelId: number): string {
  return `<script src="${origin}/widget.js" data-channel="${channelId}" async></script>`;
}

export function inboundEndpoint(origin: string, channelId: number): string {
  return `${origin}/hooks/api/${channelId}/messages`;
}

const ORIGIN_RE = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](?::\d{1,5})?$/;

/** Normalises what was typed to `scheme://host[:port]`, or returns an error text. */
export function normaliseOrigin(raw: string): { origin: string } | { error: string } {
  let v = raw.trim().toLowerCase();
  if (v === '*') return { origin: '*' };
  if (!v) return { error: 'Enter an origin like https://www.example.com.' };
  if (!/^https?:\/\//.test(v)) return { error: 'An origin starts with http:// or https://, like https://www.example.com.' };
  v = v.replace(/\/+$/, '');
  if (!ORIGIN_RE.test(v)) return { error: 'Only scheme, host and port: no path, query or wildcard (e.g. https://shop.example.com:8443).' };
  return { origin: v };
}

const MODE_TEXT: Record<TelegramBot['mode'], string> = {
  polling: 'Polling: Omniline asks Telegram for new messages.',
  webhook: 'Webhook: Telegram sends new messages to this server.',
};

/** A telegram channel's bot as the server describes it; the token stays on the server. */
function TelegramBotCard({ bot }: { bot: TelegramBot | null | undefined }) {
  return (
    <section className="adm-card" aria-labelledby="adm-telegram-title">
      <h3 id="adm-telegram-title">Telegram bot</h3>
      {bot ? (
        <dl className="adm-facts">
          <dt>Bot</dt>
          <dd className="adm-bot-username">@{bot.username}</dd>
          <dt>Name</dt>
          <dd>{bot.first_name}</dd>
          <dt>Bot id</dt>
          <dd>{bot.bot_id}</dd>
          <dt>Updates</dt>
          <dd>{MODE_TEXT[bot.mode] ?? bot.mode}</dd>
        </dl>
      ) : (
        <p className="adm-hint">The bot’s details cannot be shown right now.</p>
      )}
      <p className="adm-hint">
        Customers write to the bot in Telegram; operators’ replies are sent by it. The bot token is kept on the
        server and never shown. To connect another bot, add a new Telegram channel.
      </p>
    </section>
  );
}

function RenameChannel({ channel, onSaved }: { channel: Channel; onSaved: (c: Channel) => void }) {
  const [name, setName] = useState(channel.name);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => setName(channel.name), [channel.name]);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setStatus('');
    const err = validateName(name);
    setError(err);
    if (err || name.trim() === channel.name) return;
    try {
      onSaved(await api<Channel>('PATCH', `/api/v1/channels/${channel.id}`, { name: name.trim() }));
      setStatus('Channel renamed.');
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form className="adm-inline-form" onSubmit={submit} noValidate>
      <label htmlFor="adm-ch-name">Channel name</label>
      <input id="adm-ch-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200}
        aria-invalid={!!error || undefined} aria-describedby={error ? 'adm-ch-name-err' : undefined} />
      <button type="submit" className="adm-btn">Rename</button>
      {error && <span id="adm-ch-name-err" className="adm-field-error" role="alert">{error}</span>}
      <StatusText text={status} />
    </form>
  );
}

function OriginsEditor({ channel, onSaved }: { channel: Channel; onSaved: (c: Channel) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const save = async (next: string[], msg: string) => {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      onSaved(await api<Channel>('PATCH', `/api/v1/channels/${channel.id}`, { allowed_origins: next }));
      setStatus(msg);
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const add = async (ev: FormEvent) => {
    ev.preventDefault();
    const r = normaliseOrigin(value);
    if ('error' in r) return setError(r.error);
    if (channel.allowed_origins.includes(r.origin)) return setError(`${r.origin} is already in the list.`);
    if (r.origin === '*' && channel.allowed_origins.length > 0) return setError('“*” (any site) must be the only entry: remove the others first.');
    if (channel.allowed_origins.includes('*')) return setError('Remove “*” (any site) before listing single sites.');
    if (await save([...channel.allowed_origins, r.origin], `${r.origin} added.`)) setValue('');
  };
  const origins = channel.allowed_origins;
  return (
    <section className="adm-card" aria-labelledby="adm-origins-title">
      <h3 id="adm-origins-title">Allowed sites</h3>
      <p className="adm-hint" id="adm-origins-help">
        The websites (origins) where this chat may run. With an empty list the chat works on any site.
      </p>
      {origins.length === 0 ? (
        <p className="adm-empty">Any site may use this chat.</p>
      ) : (
        <ul className="adm-origin-list" aria-label="Allowed origins">
          {origins.map((o) => (
            <li key={o}>
              <code>{o === '*' ? '* (any site)' : o}</code>
              <button type="button" className="adm-btn adm-btn-small" aria-label={`Remove origin ${o}`} disabled={busy}
                onClick={() => save(origins.filter((x) => x !== o), `${o} removed.`)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="adm-inline-form" onSubmit={add} noValidate>
        <label htmlFor="adm-origin-new">New origin</label>
        <input id="adm-origin-new" value={value} placeholder="https://www.example.com" onChange={(e) => setValue(e.target.value)}
          aria-describedby={error ? 'adm-origins-help adm-origin-err' : 'adm-origins-help'} aria-invalid={!!error || undefined} />
        <button type="submit" className="adm-btn" disabled={busy}>Add origin</button>
      </form>
      {error && <p id="adm-origin-err" className="adm-error" role="alert">{error}</p>}
      <StatusText text={status} />
    </section>
  );
}

function WebhookEditor({ channel, onSaved }: { channel: Channel; onSaved: (c: Channel) => void }) {
  const [url, setUrl] = useState(channel.webhook_url);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setStatus('');
    const v = url.trim();
    if (v && !/^https?:\/\/[^\s/?#]+/i.test(v)) return setError('Enter an http:// or https:// address, or leave it empty for none.');
    try {
      const c = await api<Channel>('PATCH', `/api/v1/channels/${channel.id}`, { webhook_url: v });
      onSaved(c);
      setUrl(c.webhook_url);
      setStatus(v ? 'Webhook address saved.' : 'Webhook removed.');
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form className="adm-card adm-form" onSubmit={submit} noValidate aria-labelledby="adm-webhook-title">
      <h3 id="adm-webhook-title">Webhook</h3>
      <div className="adm-field">
        <label htmlFor="adm-webhook-url">Webhook URL</label>
        <input id="adm-webhook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://bot.example.com/omniline"
          aria-describedby="adm-webhook-hint" aria-invalid={!!error || undefined} />
        <span id="adm-webhook-hint" className="adm-hint">Operators’ messages are POSTed here, signed with the secret. Empty = no webhook.</span>
      </div>
      <ErrorBox error={error} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary">Save webhook</button>
      </div>
      <StatusText text={status} />
    </form>
  );
}

export default function ChannelPage({ id }: { id: number }) {
  const [channel, setChannel] = useState<Channel | null>(null);
  const [lineName, setLineName] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(() => freshSecret(id));
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const origin = window.location.origin;

  // The secret lives only as long as this page is shown.
  useEffect(() => () => forgetSecret(), []);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const c = await api<Channel>('GET', `/api/v1/channels/${id}`);
      setChannel(c);
      api<{ name: string }>('GET', `/api/v1/lines/${c.line_id}`).then((l) => setLineName(l.name), () => undefined);
    } catch (e) {
      setLoadError(e instanceof ApiError && e.status === 404 ? 'This channel does not exist (or was deleted).' : errorText(e));
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  const rotate = async () => {
    if (!channel) return;
    const ok = await confirm({
      title: 'Rotate the secret?',
      message: 'A new secret is made and the current one stops working at once. Your connector must be updated with the new secret.',
      confirmLabel: 'Rotate secret',
      danger: true,
    });
    if (!ok) return;
    setBusy(true);
    setActionError(null);
    try {
      const c = await api<Channel>('PATCH', `/api/v1/channels/${channel.id}`, { rotate_secret: true });
      setChannel(c);
      setSecret(c.secret ?? null);
      rememberSecret(c.id, c.secret);
      setStatus('The secret was rotated. Copy the new one now.');
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (active: boolean) => {
    if (!channel) return;
    if (!active) {
      const ok = await confirm({
        title: `Deactivate “${channel.name}”?`,
        message: channel.kind === 'webchat'
          ? 'The website chat stops working: open chats end and new visitors cannot start one until you activate it again.'
          : channel.kind === 'telegram'
            ? 'The bot stops taking customers’ messages until you activate it again.'
            : 'Connector calls are refused and webhooks stop until you activate it again.',
        confirmLabel: 'Deactivate channel',
        danger: true,
      });
      if (!ok) return;
    }
    setBusy(true);
    setActionError(null);
    try {
      setChannel(await api<Channel>('PATCH', `/api/v1/channels/${channel.id}`, { active }));
      setStatus(active ? 'Channel activated.' : 'Channel deactivated.');
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!channel) return;
    const ok = await confirm({
      title: `Delete “${channel.name}”?`,
      message: channel.kind === 'telegram'
        ? 'Its dialogs stay, but the bot is disconnected from Omniline. This cannot be undone.'
        : 'Its dialogs stay, but its secret and customer sessions stop working. This cannot be undone.',
      confirmLabel: 'Delete channel',
      danger: true,
    });
    if (!ok) return;
    setBusy(true);
    setActionError(null);
    try {
      await api('DELETE', `/api/v1/channels/${channel.id}`);
      navigate(`/admin/lines/${channel.line_id}`);
    } catch (e) {
      setActionError(errorText(e));
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <section className="adm-page">
        <p><Link href="/admin/lines">← All lines</Link></p>
        <h2 tabIndex={-1}>Channel</h2>
        <ErrorBox error={loadError} />
        <button type="button" className="adm-btn" onClick={load}>Try again</button>
      </section>
    );
  }
  if (!channel) return <section className="adm-page"><Loading what="the channel" /></section>;

  const snippet = embedSnippet(origin, channel.id);
  const endpoint = inboundEndpoint(origin, channel.id);

  return (
    <section className="adm-page" aria-labelledby="adm-channel-title">
      <p>
        <Link href={`/admin/lines/${channel.line_id}`}>← Line{lineName ? `: ${lineName}` : ''}</Link>
      </p>
      <div className="adm-page-head">
        <h2 id="adm-channel-title" className="adm-title-inline" tabIndex={-1}>{channel.name}</h2>
        <span className="adm-badge">{KIND_LABEL[channel.kind] ?? channel.kind}</span>
        {!channel.active && <span className="adm-badge adm-badge-warn">inactive</span>}
      </div>
      <RenameChannel channel={channel} onSaved={setChannel} />
      <StatusText text={status} />

      {channel.kind === 'webchat' && (
        <>
          <section className="adm-card" aria-labelledby="adm-embed-title">
            <h3 id="adm-embed-title">Embed on your website</h3>
            <p className="adm-hint" id="adm-snippet-help">Paste this snippet into your site’s HTML, just before &lt;/body&gt;.</p>
            <label htmlFor="adm-snippet" className="adm-label">Embed snippet</label>
            <textarea id="adm-snippet" className="adm-code" readOnly value={snippet} rows={2} spellCheck={false}
              aria-describedby="adm-snippet-help" onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={snippet} label="Copy snippet" />
          </section>
          <OriginsEditor channel={channel} onSaved={setChannel} />
          <WidgetForm channel={channel} onSaved={setChannel} />
        </>
      )}

      {channel.kind === 'api' && (
        <>
          <section className="adm-card" aria-labelledby="adm-connector-title">
            <h3 id="adm-connector-title">Custom connector</h3>
            <div className="adm-field">
              <label htmlFor="adm-endpoint">Inbound endpoint</label>
              <input id="adm-endpoint" className="adm-code" readOnly value={endpoint} aria-describedby="adm-endpoint-hint"
                onFocus={(e) => e.currentTarget.select()} />
              <span id="adm-endpoint-hint" className="adm-hint">
                Your connector POSTs customers’ messages here with the header Authorization: Bearer &lt;secret&gt;.
              </span>
            </div>
            <CopyButton text={endpoint} label="Copy endpoint" />
            <h4>Secret</h4>
            {secret ? (
              <div className="adm-secret">
                <p className="adm-warning" id="adm-secret-warning">
                  This secret is shown only now. Copy it and store it safely: once you leave this page it cannot be shown again (you would have to rotate it).
                </p>
                <label htmlFor="adm-secret" className="adm-label">Channel secret</label>
                <input id="adm-secret" className="adm-code" readOnly value={secret} aria-describedby="adm-secret-warning"
                  onFocus={(e) => e.currentTarget.select()} />
                <CopyButton text={secret} label="Copy secret" />
              </div>
            ) : (
              <p className="adm-hint">
                The secret is hidden: it is shown only right after the channel is created or the secret is rotated.
                If it was lost, rotate it to get a new one.
              </p>
            )}
            <button type="button" className="adm-btn" onClick={rotate} disabled={busy}>Rotate secret</button>
          </section>
          <WebhookEditor channel={channel} onSaved={setChannel} />
        </>
      )}

      {channel.kind === 'telegram' && <TelegramBotCard bot={channel.telegram} />}

      <section className="adm-card adm-danger-zone" aria-labelledby="adm-channel-danger-title">
        <h3 id="adm-channel-danger-title">Turn off or delete</h3>
        <ErrorBox error={actionError} />
        <div className="adm-actions">
          {channel.active ? (
            <button type="button" className="adm-btn" onClick={() => setActive(false)} disabled={busy}>Deactivate channel</button>
          ) : (
            <button type="button" className="adm-btn" onClick={() => setActive(true)} disabled={busy}>Activate channel</button>
          )}
          <button type="button" className="adm-btn adm-btn-danger" onClick={remove} disabled={busy}>Delete channel</button>
        </div>
      </section>
      {dialog}
    </section>
  );
}
