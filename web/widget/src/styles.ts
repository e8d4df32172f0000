// Every style of the widget. They live inside its shadow root, so nothing here reaches the
// host page and the page's selectors do not reach in; sizes are in px (never rem, which follows
// the page's root font size). --ow-accent and --ow-on-accent are set from the channel's colour.
export const CSS = `
:host { all: initial !important; }
*, *::before, *::after { box-sizing: border-box; }
.ow {
  --ow-accent: #2563eb;
  --ow-on-accent: #ffffff;
  --ow-bg: #ffffff;
  --ow-fg: #111827;
  --ow-muted: #6b7280;
  --ow-line: #e5e7eb;
  --ow-soft: #f3f4f6;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ow-fg);
  text-align: left;
  direction: ltr;
  letter-spacing: normal;
  -webkit-font-smoothing: antialiased;
}
.ow [hidden] { display: none !important; }
/* Resets without specificity (:where), so that every component rule below wins over them. */
:where(.ow) :where(button, input, textarea) { font: inherit; color: inherit; margin: 0; }
:where(.ow) :where(button) { cursor: pointer; }
:where(.ow) :where(:focus) { outline: none; }
:where(.ow) :where(:focus-visible) { outline: 3px solid var(--ow-focus, #1d4ed8); outline-offset: 2px; }

.ow-toggle {
  position: fixed; bottom: 20px; right: 20px; z-index: 2147483646;
  width: 60px; height: 60px; border-radius: 50%; border: 0; padding: 0;
  background: var(--ow-accent); color: var(--ow-on-accent);
  display: flex; align-items: center; justify-content: center;
  box-shadow: 0 6px 20px rgba(0,0,0,.22), 0 2px 6px rgba(0,0,0,.14);
  transition: transform .15s ease;
}
.ow-toggle:hover { transform: scale(1.05); }
.ow-toggle:focus-visible { outline: 3px solid var(--ow-accent); outline-offset: 3px; box-shadow: 0 0 0 3px #fff, 0 6px 20px rgba(0,0,0,.22); }
.ow-toggle svg { width: 28px; height: 28px; display: block; fill: currentColor; }
.ow-left .ow-toggle { right: auto; left: 20px; }
.ow-badge {
  position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; background: #dc2626; color: #fff; font-size: 12px; font-weight: 700;
  line-height: 22px; text-align: center; border: 2px solid #fff;
}
.ow-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

.ow-window {
  position: fixed; bottom: 92px; right: 20px; z-index: 2147483647;
  width: 380px; height: 600px; max-height: calc(100vh - 112px);
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--ow-bg); border-radius: 14px;
  box-shadow: 0 12px 40px rgba(0,0,0,.25), 0 2px 8px rgba(0,0,0,.12);
}
.ow-left .ow-window { right: auto; left: 20px; }
.ow-head {
  flex: none; display: flex; align-items: center; gap: 10px; padding: 14px 12px 14px 18px;
  background: var(--ow-accent); color: var(--ow-on-accent);
}
.ow-title { flex: 1; min-width: 0; margin: 0; font-size: 16px; font-weight: 600; line-height: 1.3; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ow-min {
  flex: none; width: 36px; height: 36px; border-radius: 8px; border: 0; padding: 0;
  background: transparent; color: inherit; display: flex; align-items: center; justify-content: center;
}
.ow-min:hover { background: rgba(127,127,127,.25); }
.ow-min:focus-visible { outline: 3px solid var(--ow-on-accent); outline-offset: -3px; }
.ow-min svg { width: 20px; height: 20px; fill: currentColor; display: block; }
.ow-banner { flex: none; padding: 6px 14px; font-size: 13px; background: #fef3c7; color: #78350f; border-bottom: 1px solid #fde68a; }
.ow-banner.ow-error { background: #fee2e2; color: #7f1d1d; border-color: #fecaca; }

.ow-log { flex: 1; min-height: 0; overflow-y: auto; padding: 14px 12px 6px; background: #fafafa; overscroll-behavior: contain; }
.ow-earlier { display: block; margin: 0 auto 10px; padding: 4px 12px; border-radius: 14px; border: 1px solid var(--ow-line); background: #fff; font-size: 13px; color: var(--ow-muted); }
.ow-note { text-align: center; font-size: 12px; color: var(--ow-muted); margin: 8px 0 12px; }
.ow-msg { display: flex; gap: 8px; margin: 0 0 10px; align-items: flex-start; }
.ow-msg .ow-avatar { margin-top: 2px; }
.ow-msg:has(.ow-author) .ow-avatar { margin-top: 20px; }
.ow-msg.ow-me { flex-direction: row-reverse; }
.ow-body { max-width: 78%; min-width: 0; display: flex; flex-direction: column; }
.ow-me .ow-body { align-items: flex-end; }
.ow-author { font-size: 12px; color: var(--ow-muted); margin: 0 0 2px 4px; }
.ow-bubble {
  padding: 8px 12px; border-radius: 16px; background: #fff; border: 1px solid var(--ow-line);
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
}
.ow-op .ow-bubble { border-bottom-left-radius: 4px; }
.ow-me .ow-bubble { background: var(--ow-accent); color: var(--ow-on-accent); border-color: transparent; border-bottom-right-radius: 4px; }
.ow-me.ow-pending .ow-bubble { opacity: .7; }
.ow-me.ow-failed .ow-bubble { background: #fee2e2; color: #7f1d1d; border-color: #fca5a5; }
.ow-deleted .ow-bubble { font-style: italic; opacity: .75; }
.ow-bubble a { color: inherit; text-decoration: underline; }
.ow-bubble code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: rgba(127,127,127,.15); padding: 1px 4px; border-radius: 4px; }
.ow-bubble blockquote { margin: 4px 0; padding: 2px 0 2px 8px; border-left: 3px solid rgba(127,127,127,.5); }
.ow-bubble cite { display: block; font-size: 12px; font-style: normal; font-weight: 600; }
.ow-meta { font-size: 11px; color: var(--ow-muted); margin: 2px 4px 0; display: flex; gap: 6px; align-items: center; }
.ow-retry { border: 0; background: none; padding: 0 2px; color: #b91c1c; font-size: 12px; font-weight: 600; text-decoration: underline; }
.ow-avatar {
  flex: none; width: 28px; height: 28px; border-radius: 50%; overflow: hidden;
  background: var(--ow-soft); color: var(--ow-muted); font-size: 12px; font-weight: 700;
  display: flex; align-items: center; justify-content: center; position: relative;
}
.ow-avatar.ow-img { color: transparent; }
.ow-avatar img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }
.ow-greeting .ow-bubble { background: #fff; }
.ow-typing { flex: none; min-height: 22px; padding: 2px 16px; font-size: 12px; color: var(--ow-muted); font-style: italic; background: #fafafa; }

.ow-composer { flex: none; display: flex; gap: 8px; align-items: flex-end; padding: 10px 12px; border-top: 1px solid var(--ow-line); background: #fff; }
.ow-input {
  flex: 1; min-width: 0; resize: none; height: 40px; max-height: 120px; padding: 9px 12px;
  border: 1px solid #d1d5db; border-radius: 10px; background: #fff; line-height: 20px; display: block;
}
.ow-input:focus-visible { outline: 2px solid var(--ow-accent); outline-offset: 0; border-color: var(--ow-accent); }
.ow-send {
  flex: none; height: 40px; padding: 0 16px; border: 0; border-radius: 10px;
  background: var(--ow-accent); color: var(--ow-on-accent); font-weight: 600;
}
.ow-send:disabled { opacity: .5; cursor: default; }
.ow-send:focus-visible { outline: 3px solid var(--ow-focus, #1d4ed8); outline-offset: 2px; }
.ow-attach {
  flex: none; width: 40px; height: 40px; padding: 0; border: 0; border-radius: 10px; background: transparent;
  color: var(--ow-muted); display: flex; align-items: center; justify-content: center;
}
.ow-attach:hover:not(:disabled) { background: var(--ow-soft); color: var(--ow-fg); }
.ow-attach:disabled { opacity: .4; cursor: default; }
.ow-attach svg { width: 22px; height: 22px; fill: currentColor; display: block; }
.ow-files { display: flex; flex-direction: column; gap: 4px; margin-top: 4px; max-width: 100%; }
.ow-me .ow-files { align-items: flex-end; }
.ow-image { display: block; line-height: 0; border-radius: 12px; overflow: hidden; border: 1px solid var(--ow-line); background: #fff; }
.ow-image img { display: block; max-width: 100%; max-height: 240px; width: auto; height: auto; }
.ow-file {
  display: flex; flex-direction: column; max-width: 100%; padding: 6px 12px; border-radius: 12px;
  border: 1px solid var(--ow-line); background: #fff; color: var(--ow-fg); text-decoration: none;
}
a.ow-file:hover { border-color: var(--ow-accent); }
.ow-file-name, .ow-uploading { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ow-file-size { font-size: 12px; color: var(--ow-muted); }
.ow-pending .ow-file { opacity: .7; }
.ow-limit, .ow-file-error { flex: none; padding: 0 14px 8px; font-size: 12px; color: #b91c1c; background: #fff; }

.ow-form { flex: none; padding: 12px 16px 16px; border-top: 1px solid var(--ow-line); background: #fff; display: flex; flex-direction: column; gap: 10px; overflow-y: auto; max-height: 70%; }
.ow-form p { margin: 0; color: var(--ow-muted); font-size: 13px; }
.ow-field { display: flex; flex-direction: column; gap: 3px; }
.ow-field label { font-size: 13px; font-weight: 600; }
.ow-field input { height: 38px; padding: 0 10px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff; display: block; width: 100%; }
.ow-field input:focus-visible { outline: 2px solid var(--ow-accent); outline-offset: 0; border-color: var(--ow-accent); }
.ow-field input[aria-invalid="true"] { border-color: #dc2626; }
.ow-consent { display: flex; gap: 8px; align-items: flex-start; font-size: 13px; }
.ow-consent input { width: 18px; height: 18px; margin: 1px 0 0; flex: none; accent-color: var(--ow-accent); }
.ow-form-error { color: #b91c1c; font-size: 13px; }
.ow-start { height: 40px; border: 0; border-radius: 10px; background: var(--ow-accent); color: var(--ow-on-accent); font-weight: 600; }
.ow-start:disabled { opacity: .6; cursor: default; }

@media (max-width: 479.98px) {
  .ow-window, .ow-left .ow-window {
    top: 0; left: 0; right: 0; bottom: 0; width: 100%; height: 100%; max-height: none;
    border-radius: 0;
  }
  .ow-open .ow-toggle { display: none; }
  .ow-toggle { bottom: 16px; right: 16px; }
  .ow-left .ow-toggle { left: 16px; }
  .ow-input { font-size: 16px; }
  .ow-field input { font-size: 16px; }
}
@media (prefers-reduced-motion: reduce) { .ow-toggle { transition: none; } }
`;
