// "Attach from Drive": a modal with two tabs. "Drive" walks the folders (breadcrumb,
// subfolders, the folder's files, a search by name); "Chat files" lists the files of the chats
// I may see (with a search). Files are chosen with checkboxes, across tabs and folders, up to
// what still fits in the message; "Attach N files" hands them to the reply box, which shows them
// as done chips (they are on the server already, so Send just names their ids).
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { chatFiles, driveFiles } from '../api/endpoints';
import type { ChatFile, DriveFile, MessageFile } from '../api/types';
import { Modal } from '../components/Modal';
import { MAX_FILES } from '../../../shared/files';
import {
  Breadcrumb, Empty, FileIcon, FolderIcon, LoadMore, LoadState, fileDetails, nameMatches, useDebounced, useFolder,
  usePaged, type Paged,
} from './common';

type Tab = 'drive' | 'chat';
const TABS: Array<{ tab: Tab; label: string }> = [
  { tab: 'drive', label: 'Drive' },
  { tab: 'chat', label: 'Chat files' },
];

export interface DrivePickerProps {
  /** How many files may still be attached to the message. */
  max: number;
  /** The chosen files, in the order they were chosen. */
  onAttach: (files: MessageFile[]) => void;
  onClose: () => void;
}

export default function DrivePicker({ max, onAttach, onClose }: DrivePickerProps) {
  const ids = useId();
  const [tab, setTab] = useState<Tab>('drive');
  // A tab's panel is made on first visit, then kept (hidden), so its place and search stay.
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(() => new Set(['drive']));
  const [chosen, setChosen] = useState<ReadonlyMap<number, DriveFile>>(() => new Map());
  const n = chosen.size;
  const full = n >= max;

  const show = (t: Tab) => {
    setTab(t);
    setVisited((v) => (v.has(t) ? v : new Set([...v, t])));
  };
  const onTabKey = (e: KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? -1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = TABS[(next + TABS.length) % TABS.length].tab;
    show(t);
    document.getElementById(`${ids}-tab-${t}`)?.focus();
  };
  const toggle = (f: DriveFile) =>
    setChosen((m) => {
      const next = new Map(m);
      if (next.has(f.id)) next.delete(f.id);
      else if (next.size < max) next.set(f.id, f);
      return next;
    });

  const pick: PickState = { chosen, full, toggle };
  const note =
    max <= 0
      ? `This message has ${MAX_FILES} files already: take one off to attach another.`
      : full
        ? `That is all that fits: at most ${MAX_FILES} files go with one message.`
        : n > 0
          ? `${n} chosen.`
          : '';

  return (
    <Modal title="Attach from Drive" onClose={onClose} wide>
      <div className="dp">
        <div role="tablist" aria-label="Files from" className="tabs dp-tabs">
          {TABS.map((t, i) => (
            <button
              key={t.tab}
              id={`${ids}-tab-${t.tab}`}
              type="button"
              role="tab"
              className="tab"
              aria-selected={tab === t.tab}
              aria-controls={`${ids}-panel-${t.tab}`}
              tabIndex={tab === t.tab ? 0 : -1}
              onClick={() => show(t.tab)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {TABS.map((t) => (
          <div
            key={t.tab}
            role="tabpanel"
            id={`${ids}-panel-${t.tab}`}
            aria-labelledby={`${ids}-tab-${t.tab}`}
            className="dp-panel"
            hidden={tab !== t.tab}
          >
            {visited.has(t.tab) && (t.tab === 'drive' ? <DriveTab pick={pick} /> : <ChatTab pick={pick} />)}
          </div>
        ))}
        <div className="dp-foot">
          <span className="dp-note muted" role="status">
            {note}
          </span>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={n === 0} onClick={() => onAttach([...chosen.values()])}>
            {n === 0 ? 'Attach files' : n === 1 ? 'Attach 1 file' : `Attach ${n} files`}
          </button>
        </div>
      </div>
    </Modal>
  );
}

interface PickState {
  chosen: ReadonlyMap<number, DriveFile>;
  /** No more files fit. */
  full: boolean;
  toggle: (f: DriveFile) => void;
}

function DriveTab({ pick }: { pick: PickState }) {
  const [folderId, setFolderId] = useState(0);
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const folder = useFolder(folderId);
  const files = usePaged<DriveFile>(`${folderId}\n${query}`, (cursor) => driveFiles(folderId, query, cursor));
  const current = useRef<HTMLSpanElement>(null);
  const moved = useRef(false);

  // After going into a folder or up the path, focus lands on where I am now.
  useEffect(() => {
    if (moved.current) current.current?.focus();
  }, [folderId, folder.listing]);

  const open = (id: number) => {
    moved.current = true;
    setQ('');
    setFolderId(id);
  };
  const folders = (folder.listing?.items ?? []).filter((f) => nameMatches(f.name, q.trim()));
  const ready = !!folder.listing && files.loaded;
  const searching = query !== '';

  return (
    <>
      <Breadcrumb path={folder.lastPath} folderId={folderId} onOpen={open} currentRef={current} />
      <input
        type="search"
        className="search"
        aria-label="Search this folder"
        placeholder="Search by name…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <div className="dp-scroll">
        <LoadState loading={folder.loading && !folder.error} error={folder.error} onRetry={folder.reload} what="the folder" />
        {folders.length > 0 && (
          <ul className="dp-list" aria-label="Folders">
            {folders.map((f) => (
              <li key={f.id}>
                <button type="button" className="dp-folder" onClick={() => open(f.id)}>
                  <FolderIcon />
                  <span className="drv-name">{f.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {!folder.error && <FileChoices files={files} pick={pick} label="Files" />}
        {ready && !folders.length && !files.items.length && !files.error && (
          <Empty>{searching || q.trim() ? `Nothing here matches “${q.trim()}”.` : 'This folder is empty'}</Empty>
        )}
      </div>
    </>
  );
}

function ChatTab({ pick }: { pick: PickState }) {
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const files = usePaged<ChatFile>(query, (cursor) => chatFiles(query, cursor));
  return (
    <>
      <input
        type="search"
        className="search"
        aria-label="Search chat files"
        placeholder="Search by name…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <div className="dp-scroll">
        <FileChoices files={files} pick={pick} label="Chat files" />
        {files.loaded && !files.items.length && !files.error && (
          <Empty>{query ? `No chat files match “${query}”.` : 'No files in your chats yet'}</Empty>
        )}
      </div>
    </>
  );
}

/** A page of files as checkboxes, with loading, error and "Load more". */
function FileChoices({ files, pick, label }: { files: Paged<DriveFile>; pick: PickState; label: string }) {
  const ids = useId();
  return (
    <>
      {files.items.length > 0 && (
        <ul className="dp-list" aria-label={label}>
          {files.items.map((f) => {
            const on = pick.chosen.has(f.id);
            return (
              <li key={f.id}>
                <label className={`dp-file${on ? ' dp-file-on' : ''}`}>
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={!on && pick.full}
                    aria-labelledby={`${ids}-${f.id}-name`}
                    aria-describedby={`${ids}-${f.id}-meta`}
                    onChange={() => pick.toggle(f)}
                  />
                  <FileIcon />
                  <span className="drv-name" id={`${ids}-${f.id}-name`}>
                    {f.name}
                  </span>
                  <span className="drv-meta muted" id={`${ids}-${f.id}-meta`}>
                    {fileDetails(f)}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      <LoadState loading={files.loading && !files.loaded} error={files.error} onRetry={files.retry} what="files" />
      <LoadMore paged={files} />
    </>
  );
}
