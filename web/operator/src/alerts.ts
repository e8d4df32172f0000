// Getting the operator's attention for a new unanswered dialog: a desktop notification (when
// allowed), a short beep (unless muted) and the unanswered count in the tab title.
import { useSyncExternalStore } from 'react';

const MUTE_KEY = 'omniline.muted';
const muteListeners = new Set<() => void>();

export function isMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function setMuted(muted: boolean) {
  try {
    localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
  } catch {
    /* Private mode: the choice lasts for this page only. */
  }
  for (const l of muteListeners) l();
}

export function useMuted(): boolean {
  return useSyncExternalStore(
    (fn) => {
      muteListeners.add(fn);
      return () => muteListeners.delete(fn);
    },
    isMuted,
  );
}

let audio: AudioContext | null = null;

/** Browsers only let audio start after a user gesture, so the context is created then. */
function unlockAudio() {
  if (audio || typeof AudioContext === 'undefined') return;
  try {
    audio = new AudioContext();
  } catch {
    audio = null;
  }
}

export function beep() {
  if (isMuted() || !audio) return;
  const t = audio.currentTime;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = 'sine';
  osc.frequency.setValueAtTime(880, t);
  gain.gain.setValueAtTime(0.0001, t);
  gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
  osc.connect(gain).connect(audio.destination);
  osc.start(t);
  osc.stop(t + 0.3);
}

export function notify(title: string, body: string, onClick?: () => void) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
  } catch {
    /* Some browsers only allow notifications from a service worker. */
  }
}

/**
 * Asks for notification permission and unlocks audio on the first click or key press:
 * browsers refuse both without a user gesture. Returns the cleanup.
 */
export function armOnFirstGesture(): () => void {
  const arm = () => {
    unlockAudio();
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => {});
    }
    off();
  };
  const off = () => {
    window.removeEventListener('pointerdown', arm, true);
    window.removeEventListener('keydown', arm, true);
  };
  window.addEventListener('pointerdown', arm, true);
  window.addEventListener('keydown', arm, true);
  return off;
}

export function titleFor(unanswered: number): string {
  return unanswered > 0 ? `(${unanswered}) Omniline` : 'Omniline';
}
