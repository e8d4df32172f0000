// The Drive page (`/drive`, `/drive/folders/:id`; loaded lazily): the company's file store.
// A folder shows its breadcrumb, subfolders and files (newest first, "Load more", search by
// name). Every employee may add folders, upload files into the open folder (button or drop,
// with progress), move a file to another folder and save a chat's file into the open folder;
// renaming and deleting a folder (only an empty one) are offered to whoever made it and to
// admins, taking a file out of the Drive to whoever uploaded it, admins and supervisors — the
// server's rules. Names are people's text: only ever text nodes and attributes.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, type UploadOptions } from '../api/client';
import {
  chatFiles, createDriveFolder, deleteDriveFolder, driveFiles, putDriveFile, removeDriveFile, renameDriveFolder,
  uploadToDrive,
} from '../api/endpoints';
import type { ChatFile, DriveFile, DriveFolder, Employee } from '../api/types';
import { AttachmentChips } from '../components/Attachments';
import { Modal } from '../components/Modal';
import { drivePath, driveFolderOf, usePath } from '../router';
import type { Attachment } from '../state/attachments';
import {
  Breadcrumb, Empty, FileIcon, FileLink, FolderIcon, LoadMore, LoadState, errorText, fileDetails, folderName, nameMatches,
  sortFolders, useDebounced, useFolder, usePaged,
} from './common';

/** Uploads one file into a folder: `uploadToDrive` in the app, a fake in tests. */
export type DriveUploader = (folderId: number, file: File, opts: UploadOptions) => Promise<DriveFile>;

const canChangeFolder = (me: Employee, f: DriveFolder) => f.created_by === me.id || me.role === 'admin';
const canRemoveFile = (me: Employee, f: DriveFile) =>
  f.uploaded_by === me.id || me.role === 'admin' || me.role === 'supervisor';

type Notice = { kind: 'status' | 'alert'; text: string } | null;

export default function DrivePage({ me, upload = uploadToDrive }: { me: Employee; upload?: DriveUploader }) {
  const path = usePath();
  const folderId = driveFolderOf(path);
  if (folderId === null) {
    return (
      <main className="drive">
        <div className="drv-page">
          <h1 tabIndex={-1}>Page not found</h1>
          <p>
            There is no such page in the Drive. <a href="/drive">Go to the Drive</a>.
          </p>
        </div>
      </main>
    );
  }
  return <Drive me={me} folderId={folderId} upload={upload} />;
}

function Drive({ me, folderId, upload }: { me: Employee; folderId: number; upload: DriveUploader }) {
  const ids = useId();
  const folder = useFolder(folderId);
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const files = usePaged<DriveFile>(`${folderId}\n${query}`, (cursor) => driveFiles(folderId, query, cursor));
  const [notice, setNotice] = useState<Notice>(null);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<DriveFolder | null>(null);
  const [moving, setMoving] = useState<DriveFile | null>(null);
  const [removing, setRemoving] = useState<DriveFile | null>(null);
  const [uploads, setUploads] = useState<Attachment[]>([]);
  const [dragging, setDragging] = useState(false);
  const aborts = useRef(new Map<string, AbortController>());
  const uploadSeq = useRef(0);
  const heading = useRef<HTMLHeadingElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const shownFolder = useRef(folderId);
  shownFolder.current = folderId;
  const first = useRef(true);

  // A new folder: a fresh search and notes, and focus on its name (not on the first visit).
  useEffect(() => {
    setQ('');
    setNotice(null);
    setCreating(false);
    setRenaming(null);
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [folderId]);

  // Uploads still going when the page closes are cancelled.
  useEffect(() => {
    const map = aborts.current;
    return () => {
      for (const c of map.values()) c.abort();
    };
  }, []);

  const here = folder.listing ? folderName(folder.listing.path) : folderId === 0 ? 'Drive' : '';
  const say = (text: string) => setNotice({ kind: 'status', text });
  const fail = (text: string) => setNotice({ kind: 'alert', text });

  /** Puts a file that is now in this folder at the top of the list (if it is still the one shown). */
  const showFile = (f: DriveFile) => {
    if (shownFolder.current !== f.folder_id) return;
    files.update((items) => (items.some((x) => x.id === f.id) ? items.map((x) => (x.id === f.id ? f : x)) : nameMatches(f.name, query) ? [f, ...items] : items));
  };

  const patchUpload = (key: string, f: (a: Attachment) => Attachment) =>
    setUploads((list) => list.map((a) => (a.key === key ? f(a) : a)));

  const startUploads = (chosen: File[]) => {
    const target = folderId;
    for (const file of chosen) {
      const key = `up-${++uploadSeq.current}`;
      const ctl = new AbortController();
      aborts.current.set(key, ctl);
      setUploads((list) => [...list, { key, name: file.name || 'file', size: file.size, state: 'uploading', progress: null }]);
      upload(target, file, {
        signal: ctl.signal,
        onProgress: (loaded, total) => patchUpload(key, (a) => ({ ...a, progress: total > 0 ? Math.min(1, loaded / total) : null })),
      })
        .then(
          (f) => {
            setUploads((list) => list.filter((a) => a.key !== key));
            showFile(f);
            say(`Uploaded “${f.name}”.`);
          },
          (e: unknown) => {
            if (e instanceof ApiError && e.code === 'aborted') return;
            patchUpload(key, (a) => ({ ...a, state: 'error', progress: null, error: errorText(e) }));
          },
        )
        .finally(() => aborts.current.delete(key));
    }
  };

  const cancelUpload = (a: Attachment) => {
    aborts.current.get(a.key)?.abort();
    aborts.current.delete(a.key);
    setUploads((list) => list.filter((x) => x.key !== a.key));
  };

  const create = async (name: string): Promise<string | null> => {
    try {
      const f = await createDriveFolder(name, folderId);
      folder.updateItems((items) => sortFolders([...items.filter((x) => x.id !== f.id), f]));
      setCreating(false);
      say(`Folder “${f.name}” created.`);
      return null;
    } catch (e) {
      return errorText(e);
    }
  };

  const rename = async (target: DriveFolder, name: string): Promise<string | null> => {
    try {
      const f = await renameDriveFolder(target.id, name);
      folder.updateItems((items) => sortFolders(items.map((x) => (x.id === f.id ? f : x))));
      setRenaming(null);
      say(`Folder renamed to “${f.name}”.`);
      return null;
    } catch (e) {
      return errorText(e);
    }
  };

  const remove = async (target: DriveFolder) => {
    setDeleting(null);
    try {
      await deleteDriveFolder(target.id);
      folder.updateItems((items) => items.filter((x) => x.id !== target.id));
      say(`Folder “${target.name}” deleted.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) fail(`“${target.name}” is not empty: move or remove what is in it first.`);
      else fail(errorText(e));
    }
  };

  const takeOut = async (f: DriveFile) => {
    setRemoving(null);
    try {
      await removeDriveFile(f.id);
      files.update((items) => items.filter((x) => x.id !== f.id));
      say(`“${f.name}” was taken out of the Drive.`);
    } catch (e) {
      fail(errorText(e));
    }
  };

  const moved = (f: DriveFile, to: string) => {
    setMoving(null);
    if (f.folder_id !== folderId) files.update((items) => items.filter((x) => x.id !== f.id));
    else showFile(f);
    say(`Moved “${f.name}” to “${to}”.`);
  };

  const folders = (folder.listing?.items ?? []).filter((f) => nameMatches(f.name, q.trim()));
  const ready = !!folder.listing && files.loaded;
  const usable = !folder.error;

  return (
    <main className="drive" aria-labelledby={`${ids}-title`}>
      <div className="drv-page">
        <header className="drv-head">
          {/* At the top of the Drive the heading says where we are. */}
          {folderId !== 0 && <Breadcrumb path={folder.lastPath} folderId={folderId} hrefOf={drivePath} />}
          <h1 id={`${ids}-title`} ref={heading} tabIndex={-1}>
            {here || '…'}
          </h1>
        </header>

        <section
          className={`drv-card${dragging ? ' drv-dragging' : ''}`}
          aria-labelledby={`${ids}-title`}
          onDragOver={(e) => {
            if (!usable || !Array.from(e.dataTransfer.types).includes('Files')) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={(e) => {
            setDragging(false);
            const dropped = Array.from(e.dataTransfer.files ?? []);
            if (!usable || !dropped.length) return;
            e.preventDefault();
            startUploads(dropped);
          }}
        >
          <div className="drv-toolbar">
            {usable && (
              <>
                <input
                  type="search"
                  className="search drv-search"
                  aria-label="Search this folder"
                  placeholder="Search by name…"
                  value={q}
                  onChange={(e) => setQ(e.target.value)}
                />
                <button type="button" className="btn" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
                  New folder
                </button>
                <button type="button" className="btn btn-primary" onClick={() => fileInput.current?.click()}>
                  Upload files
                </button>
                <input
                  ref={fileInput}
                  type="file"
                  multiple
                  hidden
                  tabIndex={-1}
                  data-testid="drive-upload-input"
                  onChange={(e) => {
                    const chosen = Array.from(e.currentTarget.files ?? []);
                    e.currentTarget.value = '';
                    if (chosen.length) startUploads(chosen);
                  }}
                />
              </>
            )}
          </div>

          {creating && usable && (
            <NameForm
              label="New folder"
              submitLabel="Create"
              onSubmit={create}
              onCancel={() => setCreating(false)}
            />
          )}
          <AttachmentChips label="Uploads" items={uploads} onRemove={cancelUpload} />
          <p className="drv-status" role="status">
            {notice?.kind === 'status' ? notice.text : ''}
          </p>
          {notice?.kind === 'alert' && (
            <div className="drv-error" role="alert">
              <span>{notice.text}</span>
              <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setNotice(null)}>
                ×
              </button>
            </div>
          )}

          <LoadState loading={folder.loading} error={folder.error} onRetry={folder.reload} what="the folder" />
          {folder.missing && (
            <p>
              <a href="/drive">Go to the top of the Drive</a>
            </p>
          )}
          {folders.length > 0 && (
            <ul className="drv-rows" aria-label="Folders">
              {folders.map((f) => (
                <li key={f.id} className="drv-row" data-folder-id={f.id}>
                  <FolderIcon />
                  {renaming === f.id ? (
                    <NameForm
                      label={`Rename “${f.name}”`}
                      initial={f.name}
                      submitLabel="Save"
                      onSubmit={(name) => rename(f, name)}
                      onCancel={() => setRenaming(null)}
                    />
                  ) : (
                    <>
                      <a className="drv-name" href={drivePath(f.id)} id={`${ids}-f${f.id}`}>
                        {f.name}
                      </a>
                      <span className="drv-meta muted">Folder</span>
                      {canChangeFolder(me, f) && (
                        <span className="drv-actions">
                          <button type="button" className="btn" aria-describedby={`${ids}-f${f.id}`} onClick={() => setRenaming(f.id)}>
                            Rename
                          </button>
                          <button type="button" className="btn" aria-describedby={`${ids}-f${f.id}`} onClick={() => setDeleting(f)}>
                            Delete
                          </button>
                        </span>
                      )}
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {usable && files.items.length > 0 && (
            <ul className="drv-rows" aria-label="Files">
              {files.items.map((f) => (
                <li key={f.id} className="drv-row" data-file-id={f.id}>
                  <FileIcon />
                  <FileLink file={f} id={`${ids}-file${f.id}`} />
                  <span className="drv-meta muted">{fileDetails(f)}</span>
                  <span className="drv-actions">
                    <button type="button" className="btn" aria-describedby={`${ids}-file${f.id}`} onClick={() => setMoving(f)}>
                      Move to…
                    </button>
                    {canRemoveFile(me, f) && (
                      <button type="button" className="btn" aria-describedby={`${ids}-file${f.id}`} onClick={() => setRemoving(f)}>
                        Remove from Drive
                      </button>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {usable && (
            <>
              <LoadState loading={files.loading && !files.loaded && !folder.loading} error={files.error} onRetry={files.retry} what="files" />
              <LoadMore paged={files} />
            </>
          )}
          {ready && !folders.length && !files.items.length && !files.error && (
            <Empty>{q.trim() ? `Nothing here matches “${q.trim()}”.` : 'This folder is empty'}</Empty>
          )}
          {usable && <p className="drv-drop-hint muted">Drop files here to upload them into this folder.</p>}
        </section>

        <ChatFiles folderId={folderId} ready={usable && !!folder.listing} here={here} onSaved={showFile} say={say} fail={fail} />
      </div>

      {deleting && (
        <Confirm
          title="Delete folder"
          confirmLabel="Delete"
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(null)}
        >
          Delete the folder “{deleting.name}”? Only an empty folder can be deleted.
        </Confirm>
      )}
      {removing && (
        <Confirm
          title="Remove from Drive"
          confirmLabel="Remove"
          onConfirm={() => void takeOut(removing)}
          onClose={() => setRemoving(null)}
        >
          Take “{removing.name}” out of the Drive? Chats that carry it keep it.
        </Confirm>
      )}
      {moving && <MoveDialog file={moving} start={folderId} onMoved={moved} onClose={() => setMoving(null)} />}
    </main>
  );
}

/**
 * Files of the chats I may see; "Save to Drive" puts one into the folder open above. A file
 * already in the Drive links to its folder instead (a PUT would move it out of there).
 */
function ChatFiles({
  folderId,
  ready,
  here,
  onSaved,
  say,
  fail,
}: {
  /** The open folder, and whether files may be saved into it (it exists and has loaded). */
  folderId: number;
  ready: boolean;
  here: string;
  onSaved: (f: DriveFile) => void;
  say: (text: string) => void;
  fail: (text: string) => void;
}) {
  const ids = useId();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  // Asked again in each folder, so files sent since the page opened show up.
  const chat = usePaged<ChatFile>(`${folderId}\n${query}`, (cursor) => chatFiles(query, cursor));
  const [busy, setBusy] = useState<number | null>(null);

  const save = async (f: ChatFile) => {
    if (!ready) return;
    setBusy(f.id);
    try {
      const put = await putDriveFile(f.id, folderId);
      chat.update((items) => items.map((x) => (x.id === f.id ? { ...x, folder_id: put.folder_id } : x)));
      onSaved(put);
      say(`Saved “${put.name}” to “${here}”.`);
    } catch (e) {
      fail(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="drv-card" aria-labelledby={`${ids}-title`}>
      <div className="drv-toolbar">
        <h2 id={`${ids}-title`}>Chat files</h2>
        <input
          type="search"
          className="search drv-search"
          aria-label="Search chat files"
          placeholder="Search by name…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <p className="muted drv-intro">
        Files sent in the chats you can see. “Save to Drive” puts one into the folder open above.
      </p>
      {chat.items.length > 0 && (
        <ul className="drv-rows" aria-label="Chat files">
          {chat.items.map((f) => (
            <li key={f.id} className="drv-row" data-file-id={f.id}>
              <FileIcon />
              <FileLink file={f} id={`${ids}-c${f.id}`} />
              <span className="drv-meta muted">
                {fileDetails({ ...f, dialog_id: undefined })} · <a href={`/dialogs/${f.dialog_id}`}>Dialog #{f.dialog_id}</a>
              </span>
              <span className="drv-actions">
                {f.folder_id === folderId ? (
                  <span className="muted">In this folder</span>
                ) : f.folder_id !== null ? (
                  // Saving it here would move it out of its folder: "Move to…" above does that.
                  <a href={drivePath(f.folder_id)} className="drv-in-drive">
                    In the Drive
                  </a>
                ) : (
                  <button
                    type="button"
                    className="btn"
                    aria-describedby={`${ids}-c${f.id}`}
                    disabled={!ready || busy === f.id}
                    onClick={() => void save(f)}
                  >
                    Save to Drive
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      <LoadState loading={chat.loading && !chat.loaded} error={chat.error} onRetry={chat.retry} what="chat files" />
      <LoadMore paged={chat} />
      {chat.loaded && !chat.items.length && !chat.error && (
        <Empty>{query ? `No chat files match “${query}”.` : 'No files in your chats yet'}</Empty>
      )}
    </section>
  );
}

/**
 * A folder name form (new folder, rename): Enter or the button submits, Escape or Cancel
 * closes; the server judges the name and its message shows under the field.
 */
function NameForm({
  label,
  initial = '',
  submitLabel,
  onSubmit,
  onCancel,
}: {
  label: string;
  initial?: string;
  submitLabel: string;
  /** Resolves to the error to show, or null when done. */
  onSubmit: (name: string) => Promise<string | null>;
  onCancel: () => void;
}) {
  const ids = useId();
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const err = await onSubmit(name);
    // On success the form is gone.
    if (err !== null) {
      setBusy(false);
      setError(err);
      input.current?.focus();
    }
  };

  return (
    <form className="drv-form" aria-label={label} onSubmit={submit} noValidate>
      <label htmlFor={`${ids}-name`} className="drv-label">
        Folder name
      </label>
      <input
        id={`${ids}-name`}
        ref={input}
        value={name}
        maxLength={200}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${ids}-error` : undefined}
        onChange={(e) => {
          setName(e.target.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          }
        }}
      />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {submitLabel}
      </button>
      <button type="button" className="btn btn-ghost" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p id={`${ids}-error`} className="drv-field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Confirm({
  title,
  confirmLabel,
  children,
  onConfirm,
  onClose,
}: {
  title: string;
  confirmLabel: string;
  children: ReactNode;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal title={title} onClose={onClose}>
      <p className="drv-confirm">{children}</p>
      <div className="modal-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** "Move to…": walk the folders (from the one open) and move the file into the one chosen. */
function MoveDialog({
  file,
  start,
  onMoved,
  onClose,
}: {
  file: DriveFile;
  start: number;
  onMoved: (f: DriveFile, to: string) => void;
  onClose: () => void;
}) {
  const [at, setAt] = useState(start);
  const folder = useFolder(at);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = useRef<HTMLSpanElement>(null);
  const walked = useRef(false);
  useEffect(() => {
    if (walked.current) current.current?.focus();
  }, [at, folder.listing]);

  const go = (id: number) => {
    walked.current = true;
    setError(null);
    setAt(id);
  };
  const target = folder.listing ? folderName(folder.listing.path) : '';
  const move = async () => {
    setBusy(true);
    setError(null);
    try {
      const f = await putDriveFile(file.id, at);
      onMoved(f, target);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <Modal title={`Move “${file.name}” to…`} onClose={onClose}>
      <Breadcrumb path={folder.lastPath} folderId={at} onOpen={go} currentRef={current} label="Move to folder" />
      <LoadState loading={folder.loading} error={folder.error} onRetry={folder.reload} what="folders" />
      {folder.listing &&
        (folder.listing.items.length ? (
          <ul className="dp-list" aria-label="Folders">
            {folder.listing.items.map((f) => (
              <li key={f.id}>
                <button type="button" className="dp-folder" onClick={() => go(f.id)}>
                  <FolderIcon />
                  <span className="drv-name">{f.name}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No folders in here.</Empty>
        ))}
      {error && (
        <p className="drv-field-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={busy || !folder.listing || at === file.folder_id} onClick={() => void move()}>
          {at === file.folder_id ? 'Already in this folder' : 'Move here'}
        </button>
      </div>
    </Modal>
  );
}
