// Files in the reply box and in messages. `AttachButton` opens the file chooser (several files
// at once), `DriveButton` the Drive picker (files already on the server); `AttachmentChips` shows each attached file with its size, the upload's progress or
// error, and a remove button; `MessageFiles` shows a message's files: pictures as previews that
// open in a new tab, anything else as a download card. File names are the customer's or
// operator's text: they only ever go into text nodes and attributes.
import { useRef } from 'react';
import type { MessageFile } from '../api/types';
import type { Attachment } from '../state/attachments';
import { fileHref, formatSize } from '../../../shared/files';
import './Files.css';

const CLIP =
  'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z';
export const DOC =
  'M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5L13 3.5zM8 13v1.5h8V13H8zm0 3.5V18h6v-1.5H8z';
export const FOLDER = 'M3 5a2 2 0 0 1 2-2h4.6l2 2.5H19a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5z';
/** A folder with a cloud: the Drive. */
const DRIVE =
  'M3 5a2 2 0 0 1 2-2h4.6l2 2.5H19a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5zm6.5 12h6a2.25 2.25 0 0 0 .3-4.48A3.25 3.25 0 0 0 9.6 12 2.5 2.5 0 0 0 9.5 17z';
const WARN = 'M12 2 1 21h22L12 2zm-1 7h2v6h-2V9zm0 8h2v2h-2v-2z';

/** A decorative icon (the control around it carries the name). */
export function Icon({ d, className, evenOdd }: { d: string; className?: string; evenOdd?: boolean }) {
  return (
    <svg className={className} viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" fillRule={evenOdd ? 'evenodd' : undefined} />
    </svg>
  );
}

export function AttachButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost attach-toggle"
        aria-label="Attach files"
        title="Attach files"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <Icon d={CLIP} />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        data-testid="attach-input"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          // So that picking the same file again fires a change.
          e.currentTarget.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}

/** Opens the Drive picker: files of the Drive or of chats, attached without uploading. */
export function DriveButton({ onClick, disabled }: { onClick: () => void; disabled?: boolean }) {
  return (
    <button
      type="button"
      className="btn btn-ghost attach-toggle"
      aria-label="Attach from Drive"
      title="Attach from Drive"
      aria-haspopup="dialog"
      disabled={disabled}
      onClick={onClick}
    >
      <Icon d={DRIVE} evenOdd />
    </button>
  );
}

function chipStatus(a: Attachment): string {
  if (a.state === 'uploading') return a.progress === null ? 'uploading…' : `uploading… ${Math.floor(a.progress * 100)}%`;
  return '';
}

export function AttachmentChips({
  items,
  onRemove,
  label = 'Attachments',
}: {
  items: Attachment[];
  onRemove: (a: Attachment) => void;
  /** The list's accessible name. */
  label?: string;
}) {
  if (!items.length) return null;
  return (
    <ul className="attachments" aria-label={label}>
      {items.map((a) => (
        <li key={a.key} className={`chip chip-${a.state}`} data-state={a.state}>
          <Icon className="chip-icon" d={a.state === 'error' ? WARN : DOC} />
          <span className="chip-text">
            <span className="chip-name" title={a.name}>
              {a.name}
            </span>
            <span className="chip-meta">
              {formatSize(a.size)}
              {a.state === 'uploading' && <span className="chip-status"> · {chipStatus(a)}</span>}
            </span>
            {a.state === 'error' && (
              <span className="chip-why" role="alert">
                {a.error}
              </span>
            )}
          </span>
          {a.state === 'uploading' && (
            <progress
              className="chip-progress"
              max={1}
              value={a.progress ?? undefined}
              aria-label={`Uploading ${a.name}`}
            />
          )}
          <button type="button" className="chip-remove" aria-label={`Remove ${a.name}`} title="Remove" onClick={() => onRemove(a)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The files of a message (nothing when it has none). */
export function MessageFiles({ files }: { files: MessageFile[] }) {
  if (!files.length) return null;
  const base = window.location.href;
  return (
    <div className="msg-files">
      {files.map((f) => {
        const href = fileHref(f.url, base);
        if (!href) {
          return (
            <span key={f.id} className="file-card file-card-dead">
              <span className="file-name">{f.name}</span>
              <span className="file-size">{formatSize(f.size)}</span>
            </span>
          );
        }
        if (f.image) {
          return (
            <a key={f.id} className="msg-image" href={href} target="_blank" rel="noopener noreferrer" title={f.name}>
              <img src={href} alt={f.name} loading="lazy" decoding="async" />
            </a>
          );
        }
        return (
          <a key={f.id} className="file-card" href={href} download title={`Download ${f.name}`}>
            <Icon className="file-icon" d={DOC} />
            <span className="file-name">{f.name}</span>
            <span className="file-size">{formatSize(f.size)}</span>
          </a>
        );
      })}
    </div>
  );
}
