// One line: rename, queue, routing, operator names shown to customers, channels, delete.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type Page } from '../api/client';
import type { Channel, ChannelKind, Employee, Line, Routing } from '../api/types';
import { useConfirm } from './ConfirmDialog';
import { ErrorBox, Link, Loading, StatusText, errorText, loadAllEmployees } from './common';
import { validateName } from './EmployeesPage';
import { QueueEditor } from './QueueEditor';
import { RoutingForm } from './RoutingForm';
import { navigate } from './router';
import { rememberSecret } from './secrets';
import { ShowOperatorForm } from './ShowOperatorForm';

export const KIND_LABEL: Record<string, string> = {
  webchat: 'Website chat',
  api: 'Custom connector (API)',
  telegram: 'Telegram',
};

function RenameForm({ line, onSaved }: { line: Line; onSaved: (l: Line) => void }) {
  const [name, setName] = useState(line.name);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => setName(line.name), [line.name]);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setStatus('');
    const err = validateName(name);
    setError(err);
    if (err || name.trim() === line.name) return;
    setBusy(true);
    try {
      onSaved(await api<Line>('PATCH', `/api/v1/lines/${line.id}`, { name: name.trim() }));
      setStatus('Line renamed.');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="adm-inline-form" onSubmit={submit} noValidate>
      <label htmlFor="adm-line-name">Line name</label>
      <input id="adm-line-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200}
        aria-invalid={!!error || undefined} aria-describedby={error ? 'adm-line-name-err' : undefined} />
      <button type="submit" className="adm-btn" disabled={busy}>Rename</button>
      {error && <span id="adm-line-name-err" className="adm-field-error" role="alert">{error}</span>}
      <StatusText text={status} />
    </form>
  );
}

const DEFAULT_NAME: Record<ChannelKind, string> = {
  webchat: '“Website chat”',
  api: '“Connector”',
  telegram: 'the bot’s name',
};

function AddChannelForm({ lineId, onCancel }: { lineId: number; onCancel: () => void }) {
  const [kind, setKind] = useState<ChannelKind>('webchat');
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLSelectElement>(null);
  const tokenRef = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setTokenError(null);
    const body: Record<string, unknown> = { kind };
    if (name.trim()) {
      const err = validateName(name);
      if (err) return setError(err);
      body.name = name.trim();
    }
    if (kind === 'telegram') {
      // Pasted tokens often come with spaces around them; the server checks the rest with Telegram.
      const t = token.trim();
      if (!t) {
        setTokenError('Enter the bot token you got from @BotFather.');
        tokenRef.current?.focus();
        return;
      }
      body.bot_token = t;
    }
    setBusy(true);
    try {
      const ch = await api<Channel>('POST', `/api/v1/lines/${lineId}/channels`, body);
      // A telegram channel's secret only guards its webhook, which Omniline sets up itself.
      if (ch.kind !== 'telegram') rememberSecret(ch.id, ch.secret);
      navigate(`/admin/channels/${ch.id}`);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <form className="adm-card adm-form" onSubmit={submit} noValidate aria-labelledby="adm-add-channel-title">
      <h4 id="adm-add-channel-title">Add channel</h4>
      <div className="adm-field">
        <label htmlFor="adm-channel-kind">Channel type</label>
        <select id="adm-channel-kind" ref={ref} value={kind} onChange={(e) => {
          setKind(e.target.value as ChannelKind);
          setTokenError(null);
        }}>
          <option value="webchat">{KIND_LABEL.webchat}</option>
          <option value="api">{KIND_LABEL.api}</option>
          <option value="telegram">{KIND_LABEL.telegram}</option>
        </select>
      </div>
      {kind === 'telegram' && (
        <div className="adm-field">
          <label htmlFor="adm-channel-token">Bot token</label>
          <input id="adm-channel-token" ref={tokenRef} type="password" autoComplete="off" spellCheck={false}
            required aria-required="true" value={token} onChange={(e) => setToken(e.target.value)} maxLength={200}
            aria-invalid={!!tokenError || undefined}
            aria-describedby={tokenError ? 'adm-channel-token-hint adm-channel-token-err' : 'adm-channel-token-hint'} />
          <span id="adm-channel-token-hint" className="adm-hint">From @BotFather</span>
          {tokenError && <span id="adm-channel-token-err" className="adm-field-error" role="alert">{tokenError}</span>}
        </div>
      )}
      <div className="adm-field">
        <label htmlFor="adm-channel-name">Channel name</label>
        <input id="adm-channel-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200}
          aria-describedby="adm-channel-name-hint" />
        <span id="adm-channel-name-hint" className="adm-hint">
          Optional. Default: {DEFAULT_NAME[kind]}.
        </span>
      </div>
      <ErrorBox error={error} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary" disabled={busy}>
          {busy ? (kind === 'telegram' ? 'Checking the token…' : 'Adding…') : 'Create channel'}
        </button>
        <button type="button" className="adm-btn" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

export default function LinePage({ id }: { id: number }) {
  const [line, setLine] = useState<Line | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [employees, setEmployees] = useState<Employee[] | null>(null);
  const [employeesError, setEmployeesError] = useState<string | null>(null);
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [channelsError, setChannelsError] = useState<string | null>(null);
  const [queueStatus, setQueueStatus] = useState('');
  const [queueError, setQueueError] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [addingChannel, setAddingChannel] = useState(false);
  const [dialog, confirm] = useConfirm();
  const queueSeq = useRef(0);

  const load = useCallback(async () => {
    setLoadError(null);
    setLine(null);
    try {
      setLine(await api<Line>('GET', `/api/v1/lines/${id}`));
    } catch (e) {
      setLoadError(e instanceof ApiError && e.status === 404 ? 'This line does not exist (or was deleted).' : errorText(e));
      return;
    }
    loadAllEmployees().then(setEmployees, (e) => setEmployeesError(errorText(e)));
    api<Page<Channel>>('GET', `/api/v1/lines/${id}/channels`).then(
      (p) => setChannels(p.items),
      (e) => setChannelsError(errorText(e)),
    );
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  const byId = useMemo(() => new Map((employees ?? []).map((e) => [e.id, e])), [employees]);

  const saveQueue = async (next: number[], announcement: string) => {
    if (!line) return;
    const before = line.queue;
    const seq = ++queueSeq.current;
    setLine({ ...line, queue: next });
    setQueueError(null);
    setQueueStatus(announcement);
    try {
      const saved = await api<Line>('PATCH', `/api/v1/lines/${line.id}`, { queue: next });
      if (seq === queueSeq.current) setLine(saved);
    } catch (e) {
      if (seq === queueSeq.current) {
        setLine((l) => (l ? { ...l, queue: before } : l));
        setQueueStatus('');
        setQueueError(`The queue was not saved: ${errorText(e)}`);
      }
    }
  };

  const saveRouting = async (routing: Routing) => {
    if (!line) return;
    const saved = await api<Line>('PATCH', `/api/v1/lines/${line.id}`, { routing });
    setLine(saved);
  };

  const deleteLine = async () => {
    if (!line) return;
    const ok = await confirm({
      title: `Delete the line “${line.name}”?`,
      message: 'Its operators lose access to its dialogs. A line that still has channels cannot be deleted: delete its channels first.',
      confirmLabel: 'Delete line',
      danger: true,
    });
    if (!ok) return;
    setDeleteError(null);
    try {
      await api('DELETE', `/api/v1/lines/${line.id}`);
      navigate('/admin/lines');
    } catch (e) {
      setDeleteError(errorText(e));
    }
  };

  if (loadError) {
    return (
      <section className="adm-page">
        <p><Link href="/admin/lines">← All lines</Link></p>
        <h2 tabIndex={-1}>Line</h2>
        <ErrorBox error={loadError} />
        <button type="button" className="adm-btn" onClick={load}>Try again</button>
      </section>
    );
  }
  if (!line) {
    return (
      <section className="adm-page">
        <p><Link href="/admin/lines">← All lines</Link></p>
        <Loading what="the line" />
      </section>
    );
  }

  return (
    <section className="adm-page" aria-labelledby="adm-line-title">
      <p><Link href="/admin/lines">← All lines</Link></p>
      <div className="adm-page-head">
        <h2 id="adm-line-title" tabIndex={-1}>Line: {line.name}</h2>
      </div>
      <RenameForm line={line} onSaved={setLine} />

      <section className="adm-card" aria-labelledby="adm-queue-title">
        <h3 id="adm-queue-title">Queue</h3>
        {employees === null && !employeesError && <Loading what="employees" />}
        <ErrorBox error={employeesError} />
        {employees !== null && (
          <QueueEditor queue={line.queue} employees={byId} candidates={employees} onChange={saveQueue} />
        )}
        <ErrorBox error={queueError} />
        <StatusText text={queueStatus} />
      </section>

      <RoutingForm routing={line.routing} onSave={saveRouting} />

      <ShowOperatorForm line={line} onSaved={setLine} />

      <section className="adm-card" aria-labelledby="adm-channels-title">
        <div className="adm-page-head">
          <h3 id="adm-channels-title">Channels</h3>
          {!addingChannel && (
            <button type="button" className="adm-btn adm-btn-primary" onClick={() => setAddingChannel(true)}>Add channel</button>
          )}
        </div>
        {addingChannel && <AddChannelForm lineId={line.id} onCancel={() => setAddingChannel(false)} />}
        {channels === null && !channelsError && <Loading what="channels" />}
        <ErrorBox error={channelsError} />
        {channels !== null && channels.length === 0 && (
          <p className="adm-empty">No channels yet. Add a website chat, a Telegram bot or a custom connector so customers can reach this line.</p>
        )}
        {channels !== null && channels.length > 0 && (
          <ul className="adm-channel-list">
            {channels.map((c) => (
              <li key={c.id}>
                <Link href={`/admin/channels/${c.id}`}>{c.name}</Link>
                <span className="adm-muted">
                  {' — '}{KIND_LABEL[c.kind] ?? c.kind}{c.kind === 'telegram' && c.telegram?.username ? ` (@${c.telegram.username})` : ''}
                </span>
                {!c.active && <span className="adm-badge">inactive</span>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="adm-card adm-danger-zone" aria-labelledby="adm-line-delete-title">
        <h3 id="adm-line-delete-title">Delete line</h3>
        <p className="adm-hint">Delete the line’s channels first; a line with channels cannot be deleted.</p>
        <ErrorBox error={deleteError} />
        <button type="button" className="adm-btn adm-btn-danger" onClick={deleteLine}>Delete line</button>
      </section>
      {dialog}
    </section>
  );
}
