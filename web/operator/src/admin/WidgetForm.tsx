// A website chat's widget: title, greeting, colour, position, pre-chat form and consent, with a
// small live preview of the closed button and the chat's header.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Channel } from '../api/types';
import { ErrorBox, StatusText, errorText } from './common';

// The server's WidgetSettings (docs/openapi.yaml); api/types.ts does not carry it yet.
export type PrechatField = 'name' | 'email' | 'phone';
export type WidgetPosition = 'left' | 'right';

export interface WidgetSettings {
  title: string;
  greeting: string;
  color: string;
  position: WidgetPosition;
  prechat_fields: PrechatField[];
  prechat_required: boolean;
  consent_required: boolean;
  consent_text: string;
}

export type ChannelWithWidget = Channel & { widget?: WidgetSettings };

/** What the server uses for a new webchat channel. */
export const DEFAULT_WIDGET: WidgetSettings = {
  title: 'Chat with us',
  greeting: 'Hello! How can we help you?',
  color: '#2563eb',
  position: 'right',
  prechat_fields: [],
  prechat_required: false,
  consent_required: false,
  consent_text: '',
};

export const PRECHAT_FIELDS: { value: PrechatField; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'email', label: 'E-mail' },
  { value: 'phone', label: 'Phone' },
];

const POSITIONS: { value: WidgetPosition; label: string }[] = [
  { value: 'right', label: 'Right' },
  { value: 'left', label: 'Left' },
];

// The server counts UTF-8 bytes.
export const MAX_TITLE = 100;
export const MAX_GREETING = 1000;
export const MAX_CONSENT = 4000;

export interface WidgetDraft {
  title: string;
  greeting: string;
  /** The hex text as typed; the colour picker follows it while it is valid. */
  color: string;
  position: WidgetPosition;
  prechat_fields: PrechatField[];
  prechat_required: boolean;
  consent_required: boolean;
  consent_text: string;
}

export type WidgetErrors = Partial<Record<'title' | 'greeting' | 'color' | 'consent_text', string>>;

/** `#RGB`, `#rrggbb` or without `#`, any case → lower-case `#rrggbb`; null when not a colour. */
export function normaliseColour(raw: string): string | null {
  let v = raw.trim().toLowerCase();
  if (!v.startsWith('#')) v = `#${v}`;
  if (/^#[0-9a-f]{3}$/.test(v)) v = `#${v[1]}${v[1]}${v[2]}${v[2]}${v[3]}${v[3]}`;
  return /^#[0-9a-f]{6}$/.test(v) ? v : null;
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

// Control characters other than a line break (the server refuses them).
const CONTROL_RE = /[\u0000-\u0009\u000b-\u001f\u007f]/;

function textError(v: string, max: number): string | undefined {
  if (byteLength(v) > max) {
    return `Too long: at most ${max} characters (letters outside the Latin alphabet count as 2 or more).`;
  }
  if (CONTROL_RE.test(v)) return 'Remove the control characters (such as tabs).';
  return undefined;
}

export function validateWidget(d: WidgetDraft): WidgetErrors {
  const errs: WidgetErrors = {};
  const title = d.title.trim();
  if (!title) errs.title = 'Enter a title.';
  else if (/[\r\n]/.test(title)) errs.title = 'The title must be one line.';
  else {
    const e = textError(title, MAX_TITLE);
    if (e) errs.title = e;
  }
  const greeting = textError(d.greeting.trim(), MAX_GREETING);
  if (greeting) errs.greeting = greeting;
  if (!normaliseColour(d.color)) errs.color = 'Enter a colour as # and six hex digits, like #2563eb.';
  const consent = d.consent_text.trim();
  if (d.consent_required && !consent) {
    errs.consent_text = 'Enter the text visitors must accept, or untick “Visitors must accept a consent text”.';
  } else {
    const e = textError(consent, MAX_CONSENT);
    if (e) errs.consent_text = e;
  }
  return errs;
}

/** The PATCH body's `widget`: every field, trimmed and normalised. Call only on a valid draft. */
export function widgetFromDraft(d: WidgetDraft): WidgetSettings {
  const fields = PRECHAT_FIELDS.map((f) => f.value).filter((v) => d.prechat_fields.includes(v));
  return {
    title: d.title.trim(),
    greeting: d.greeting.trim(),
    color: normaliseColour(d.color) ?? DEFAULT_WIDGET.color,
    position: d.position,
    prechat_fields: fields,
    prechat_required: fields.length > 0 && d.prechat_required,
    consent_required: d.consent_required,
    consent_text: d.consent_text.trim(),
  };
}

function toDraft(w: WidgetSettings | undefined): WidgetDraft {
  const s = { ...DEFAULT_WIDGET, ...(w ?? {}) };
  return { ...s, prechat_fields: [...s.prechat_fields] };
}

/** Black or white text, whichever reads better on the background colour. */
export function textOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? '#ffffff' : '#111111';
}

function WidgetPreview({ title, color, position, greeting }: { title: string; color: string; position: WidgetPosition; greeting: string }) {
  const fg = textOn(color);
  return (
    <div className="adm-widget-preview-wrap">
      <span className="adm-hint" aria-hidden="true">Preview</span>
      {/* Decorative: the same settings are in the form's fields. */}
      <div className={`adm-widget-preview adm-widget-preview-${position}`} aria-hidden="true" data-testid="widget-preview">
        <div className="adm-widget-preview-window">
          <div className="adm-widget-preview-head" style={{ background: color, color: fg }}>
            <span className="adm-widget-preview-title">{title.trim() || DEFAULT_WIDGET.title}</span>
            <span className="adm-widget-preview-close">×</span>
          </div>
          <div className="adm-widget-preview-body">
            {greeting.trim() && <p className="adm-widget-preview-greeting">{greeting.trim()}</p>}
          </div>
        </div>
        <div className="adm-widget-preview-button" style={{ background: color, color: fg }}>
          <svg viewBox="0 0 24 24" width="22" height="22" focusable="false">
            <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
          </svg>
        </div>
      </div>
    </div>
  );
}

export function WidgetForm({ channel, onSaved }: { channel: ChannelWithWidget; onSaved: (c: Channel) => void }) {
  const [draft, setDraft] = useState<WidgetDraft>(() => toDraft(channel.widget));
  const [errors, setErrors] = useState<WidgetErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const uid = useId();
  // Reset the draft only when the saved settings change (not when, say, an origin is added),
  // so unsaved edits survive. Done while rendering, not in an effect: a late effect after the
  // first render could wipe what was typed meanwhile.
  const savedKey = JSON.stringify(channel.widget ?? null);
  const [shownKey, setShownKey] = useState(savedKey);
  if (shownKey !== savedKey) {
    setShownKey(savedKey);
    setDraft(toDraft(channel.widget));
  }

  const set = <K extends keyof WidgetDraft>(k: K, v: WidgetDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setStatus('');
  };
  const toggleField = (f: PrechatField, on: boolean) => {
    setDraft((d) => {
      const fields = on ? [...d.prechat_fields, f] : d.prechat_fields.filter((x) => x !== f);
      // Without fields there is no form to require.
      return { ...d, prechat_fields: fields, prechat_required: fields.length > 0 && d.prechat_required };
    });
    setStatus('');
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setStatus('');
    setServerError(null);
    const errs = validateWidget(draft);
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      const first = (['title', 'greeting', 'color', 'consent_text'] as const).find((k) => errs[k]);
      document.getElementById(`${uid}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const c = await api<Channel>('PATCH', `/api/v1/channels/${channel.id}`, { widget: widgetFromDraft(draft) });
      onSaved(c);
      setStatus('Widget settings saved.');
    } catch (e) {
      setServerError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const picked = normaliseColour(draft.color);
  const shown = picked ?? normaliseColour(channel.widget?.color ?? '') ?? DEFAULT_WIDGET.color;
  const noFields = draft.prechat_fields.length === 0;
  const describe = (hint: string, key: keyof WidgetErrors) =>
    `${hint}${errors[key] ? ` ${uid}-${key}-err` : ''}`;

  return (
    <form className="adm-card adm-form adm-widget-form" onSubmit={submit} noValidate aria-labelledby={`${uid}-heading`}>
      <h3 id={`${uid}-heading`}>Widget</h3>
      <p className="adm-hint adm-card-intro">How the chat looks on your website and what it asks a new visitor.</p>
      <div className="adm-widget-layout">
        <div className="adm-widget-fields">
          <div className="adm-field">
            <label htmlFor={`${uid}-title`}>Title</label>
            <input id={`${uid}-title`} value={draft.title} onChange={(e) => set('title', e.target.value)}
              aria-required="true" aria-invalid={!!errors.title || undefined}
              aria-describedby={describe(`${uid}-title-hint`, 'title')} />
            <span id={`${uid}-title-hint`} className="adm-hint">Shown in the chat’s header. One line, up to {MAX_TITLE} characters.</span>
            {errors.title && <span id={`${uid}-title-err`} className="adm-field-error">{errors.title}</span>}
          </div>
          <div className="adm-field">
            <label htmlFor={`${uid}-greeting`}>Greeting</label>
            <textarea id={`${uid}-greeting`} rows={3} value={draft.greeting} onChange={(e) => set('greeting', e.target.value)}
              aria-invalid={!!errors.greeting || undefined}
              aria-describedby={describe(`${uid}-greeting-hint`, 'greeting')} />
            <span id={`${uid}-greeting-hint`} className="adm-hint">Shown before the first message. Optional, up to {MAX_GREETING} characters.</span>
            {errors.greeting && <span id={`${uid}-greeting-err`} className="adm-field-error">{errors.greeting}</span>}
          </div>
          <div className="adm-field">
            <div className="adm-colour-row">
              <label htmlFor={`${uid}-colour-picker`}>Colour</label>
              <input type="color" id={`${uid}-colour-picker`} className="adm-colour-picker" value={shown}
                aria-describedby={`${uid}-color-hint`}
                onChange={(e) => set('color', e.target.value.toLowerCase())} />
              <label htmlFor={`${uid}-color`} className="adm-colour-hex-label">Hex code</label>
              <input id={`${uid}-color`} className="adm-colour-hex" value={draft.color} spellCheck={false} autoComplete="off"
                onChange={(e) => set('color', e.target.value)}
                onBlur={() => {
                  const n = normaliseColour(draft.color);
                  if (n && n !== draft.color) set('color', n);
                }}
                aria-invalid={!!errors.color || undefined}
                aria-describedby={describe(`${uid}-color-hint`, 'color')} />
            </div>
            <span id={`${uid}-color-hint`} className="adm-hint">Of the button and the header: pick it, or type it as #rrggbb.</span>
            {errors.color && <span id={`${uid}-color-err`} className="adm-field-error">{errors.color}</span>}
          </div>
          <fieldset className="adm-fieldset">
            <legend>Position</legend>
            <div className="adm-radio-row">
              {POSITIONS.map((p) => (
                <span key={p.value} className="adm-check">
                  <input type="radio" id={`${uid}-pos-${p.value}`} name={`${uid}-position`} value={p.value}
                    checked={draft.position === p.value} onChange={() => set('position', p.value)} />
                  <label htmlFor={`${uid}-pos-${p.value}`}>{p.label}</label>
                </span>
              ))}
            </div>
            <span className="adm-hint">The corner of the page where the chat button sits.</span>
          </fieldset>
          <fieldset className="adm-fieldset" aria-describedby={`${uid}-prechat-hint`}>
            <legend>Pre-chat form</legend>
            <div className="adm-radio-row">
              {PRECHAT_FIELDS.map((f) => (
                <span key={f.value} className="adm-check">
                  <input type="checkbox" id={`${uid}-pf-${f.value}`} checked={draft.prechat_fields.includes(f.value)}
                    onChange={(e) => toggleField(f.value, e.target.checked)} />
                  <label htmlFor={`${uid}-pf-${f.value}`}>{f.label}</label>
                </span>
              ))}
            </div>
            <span id={`${uid}-prechat-hint`} className="adm-hint">What a new visitor is asked before chatting. None = no form.</span>
            <div className="adm-check">
              <input type="checkbox" id={`${uid}-prechat-required`} checked={draft.prechat_required} disabled={noFields}
                onChange={(e) => set('prechat_required', e.target.checked)} aria-describedby={`${uid}-pr-hint`} />
              <label htmlFor={`${uid}-prechat-required`}>Visitors must fill in the form</label>
              <span id={`${uid}-pr-hint`} className="adm-hint">
                {noFields ? 'Choose at least one field first.' : 'Otherwise visitors may skip it.'}
              </span>
            </div>
          </fieldset>
          <div className="adm-check">
            <input type="checkbox" id={`${uid}-consent-required`} checked={draft.consent_required}
              onChange={(e) => set('consent_required', e.target.checked)} />
            <label htmlFor={`${uid}-consent-required`}>Visitors must accept a consent text</label>
          </div>
          <div className="adm-field">
            <label htmlFor={`${uid}-consent_text`}>Consent text</label>
            <textarea id={`${uid}-consent_text`} rows={4} value={draft.consent_text}
              onChange={(e) => set('consent_text', e.target.value)}
              aria-required={draft.consent_required || undefined}
              aria-invalid={!!errors.consent_text || undefined}
              aria-describedby={describe(`${uid}-consent-hint`, 'consent_text')} />
            <span id={`${uid}-consent-hint`} className="adm-hint">
              {draft.consent_required ? 'Required' : 'Used only when visitors must accept it'}; up to {MAX_CONSENT} characters.
            </span>
            {errors.consent_text && <span id={`${uid}-consent_text-err`} className="adm-field-error">{errors.consent_text}</span>}
          </div>
        </div>
        <WidgetPreview title={draft.title} color={shown} position={draft.position} greeting={draft.greeting} />
      </div>
      {Object.keys(errors).length > 0 && (
        <p className="adm-error" role="alert">Fix the highlighted fields, then save again.</p>
      )}
      <ErrorBox error={serverError} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save widget'}
        </button>
      </div>
      <StatusText text={status} />
    </form>
  );
}
