// The channel a dialog came through, as an icon and a label: the dialog carries its channel's
// kind and name (`dialog.channel`), which every employee may read.
import type { Dialog } from '../api/types';

const KIND_LABEL: Record<string, string> = {
  webchat: 'Website chat',
  api: 'Connector',
  telegram: 'Telegram',
};

export function channelLabel(d: Dialog): string {
  const c = d.channel;
  if (!c) return `Channel #${d.channel_id}`;
  const kind = KIND_LABEL[c.kind] ?? c.kind;
  return c.name && c.name !== kind ? `${kind}: ${c.name}` : kind;
}

/** The channel's icon, named by its label (e.g. "Telegram: Support bot") for screen readers too. */
export function ChannelIcon({ dialog }: { dialog: Dialog }) {
  const kind = dialog.channel?.kind;
  const label = channelLabel(dialog);
  return (
    <span className="chan-icon" title={label} role="img" aria-label={label} data-channel-kind={kind ?? 'unknown'}>
      <svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true" focusable="false">
        {kind === 'webchat' ? (
          <>
            <circle cx="8" cy="8" r="6.25" />
            <path d="M1.75 8h12.5M8 1.75c2 2.2 2 10.3 0 12.5M8 1.75c-2 2.2-2 10.3 0 12.5" />
          </>
        ) : kind === 'telegram' ? (
          <path d="M1.5 7.5l12.5-5-2.2 11-4.3-3.2-2 2 .3-3.1 5-4.6-6.2 3.9z" strokeLinejoin="round" />
        ) : kind === 'api' ? (
          <path d="M5.5 4L2 8l3.5 4M10.5 4L14 8l-3.5 4" strokeLinecap="round" strokeLinejoin="round" />
        ) : (
          <path d="M2 3.5h12v7H6l-3 2.5v-2.5H2z" strokeLinejoin="round" />
        )}
      </svg>
    </span>
  );
}
