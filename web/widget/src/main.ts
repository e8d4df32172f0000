// Entry point of widget.js: finds its own <script data-channel="…"> tag, takes the server's
// origin from the script's src, and starts the widget once the page has a body.
import { Widget } from './widget';

function ownScript(): HTMLScriptElement | null {
  const cur = document.currentScript;
  if (cur instanceof HTMLScriptElement && cur.dataset.channel) return cur;
  return document.querySelector<HTMLScriptElement>('script[data-channel][src*="widget.js"]');
}

function boot() {
  const script = ownScript();
  const channel = script?.dataset.channel?.trim();
  if (!script || !channel || !/^[A-Za-z0-9_-]{1,64}$/.test(channel)) {
    console.warn('[omniline] widget.js: no <script data-channel="…"> tag with a valid channel id');
    return;
  }
  let origin: string;
  try {
    origin = new URL(script.src, document.baseURI).origin;
  } catch {
    return;
  }
  const w = window as unknown as { __omnilineWidgets?: Record<string, Widget> };
  const all = (w.__omnilineWidgets ??= {});
  if (all[channel]) return; // the snippet was pasted twice
  const widget = new Widget({ origin, channelId: channel });
  all[channel] = widget;
  const go = () => void widget.start();
  if (document.body) go();
  else document.addEventListener('DOMContentLoaded', go, { once: true });
}

boot();
