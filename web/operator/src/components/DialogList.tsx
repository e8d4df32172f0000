// The contact center list: view tabs, search, and the virtualised dialog rows. Only the rows
// in view are in the DOM, so tens of thousands of dialogs stay smooth; the next page loads
// when the last loaded rows scroll into view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import type { View } from '../api/endpoints';
import type { Dialog, Employee } from '../api/types';
import { toPlainText } from '../bbcode';
import { filesOf, filesPreview } from '../../../shared/files';
import { shortTime } from '../format';
import { navigate } from '../router';
import { useStore, useStoreApi } from '../state/context';
import { isManager } from '../state/rules';
import { ChannelIcon } from './ChannelIcon';

const ROW_HEIGHT = 68;
const SEARCH_DEBOUNCE_MS = 300;

export function DialogList({ me, openId }: { me: Employee; openId: number | null }) {
  const store = useStoreApi();
  const list = useStore((s) => s.list);
  const unanswered = useStore((s) => s.counts.unanswered);

  const tabs: { view: View; label: string }[] = [
    { view: 'unanswered', label: 'Unanswered' },
    { view: 'mine', label: 'My dialogs' },
    ...(isManager(me) ? [{ view: 'all' as View, label: 'All' }] : []),
  ];

  const onTabKey = (e: React.KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = tabs[(next + tabs.length) % tabs.length];
    store.setView(t.view);
    document.getElementById(`tab-${t.view}`)?.focus();
  };

  return (
    <section className="dialog-list" aria-label="Contact center">
      <div role="tablist" aria-label="Dialog views" className="tabs">
        {tabs.map((t, i) => (
          <button
            key={t.view}
            id={`tab-${t.view}`}
            type="button"
            role="tab"
            aria-selected={list.view === t.view}
            aria-controls="dialog-listbox"
            tabIndex={list.view === t.view ? 0 : -1}
            className="tab"
            onClick={() => store.setView(t.view)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
            {t.view === 'unanswered' && (
              <>
                {' '}
                <span className={unanswered > 0 ? 'badge badge-hot' : 'badge'} data-testid="unanswered-count">
                  {unanswered}
                </span>
              </>
            )}
          </button>
        ))}
      </div>
      <SearchBox />
      <DialogRows ids={list.ids} openId={openId} generation={list.generation} />
      {list.loaded && list.ids.length === 0 && <p className="list-empty">No dialogs.</p>}
    </section>
  );
}

function SearchBox() {
  const store = useStoreApi();
  const [q, setQ] = useState(() => store.getState().list.q);
  useEffect(() => {
    const t = setTimeout(() => store.setQuery(q.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [q, store]);
  return (
    <input
      type="search"
      className="search"
      aria-label="Search dialogs"
      placeholder="Search dialogs"
      value={q}
      onChange={(e) => setQ(e.target.value)}
    />
  );
}

function DialogRows({ ids, openId, generation }: { ids: number[]; openId: number | null; generation: number }) {
  const store = useStoreApi();
  const cursor = useStore((s) => s.list.cursor);
  const loading = useStore((s) => s.list.loading);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The keyboard cursor; it follows the open dialog.
  const [activeId, setActiveId] = useState<number | null>(openId);
  useEffect(() => setActiveId(openId), [openId]);

  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => ids[i],
  });

  useEffect(() => {
    scrollRef.current?.scrollTo?.({ top: 0 });
  }, [generation]);

  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (cursor && !loading && lastIndex >= ids.length - 5) void store.loadMore();
  }, [lastIndex, ids.length, cursor, loading, store]);

  const activeIndex = activeId === null ? -1 : ids.indexOf(activeId);

  const moveTo = (i: number) => {
    if (ids.length === 0) return;
    const j = Math.max(0, Math.min(ids.length - 1, i));
    setActiveId(ids[j]);
    virtualizer.scrollToIndex(j, { align: 'auto' });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 8) / ROW_HEIGHT));
    switch (e.key) {
      case 'ArrowDown':
        moveTo(activeIndex < 0 ? 0 : activeIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(activeIndex < 0 ? 0 : activeIndex - 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(ids.length - 1);
        break;
      case 'PageDown':
        moveTo(activeIndex + page);
        break;
      case 'PageUp':
        moveTo(activeIndex - page);
        break;
      case 'Enter':
        if (activeId !== null) navigate(`/dialogs/${activeId}`);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      ref={scrollRef}
      id="dialog-listbox"
      className="rows"
      role="listbox"
      aria-label="Dialogs"
      tabIndex={0}
      aria-activedescendant={activeIndex >= 0 ? `dialog-row-${activeId}` : undefined}
      onKeyDown={onKeyDown}
    >
      <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((v) => (
          <Row
            key={v.key}
            id={ids[v.index]}
            top={v.start}
            selected={ids[v.index] === activeId}
            open={ids[v.index] === openId}
            onPick={(id) => {
              setActiveId(id);
              navigate(`/dialogs/${id}`);
            }}
          />
        ))}
      </div>
    </div>
  );
}

function excerpt(d: Dialog): string {
  const m = d.last_message;
  if (!m) return '';
  if (m.deleted) return 'Message deleted';
  const text = toPlainText(m.text).replace(/\s+/g, ' ').trim();
  return (text || filesPreview(filesOf(m))).slice(0, 140);
}

const Row = memo(function Row({
  id,
  top,
  selected,
  open,
  onPick,
}: {
  id: number;
  top: number;
  selected: boolean;
  open: boolean;
  onPick: (id: number) => void;
}) {
  const d = useStore((s) => s.dialogs.get(id));
  const unread = useStore((s) => s.unread.get(id) ?? 0);
  const lineName = useStore((s) => (d ? s.lines.get(d.line_id)?.name : undefined));
  if (!d) return null;
  return (
    <div
      id={`dialog-row-${id}`}
      role="option"
      aria-selected={selected}
      data-dialog-id={id}
      data-open={open || undefined}
      className={`row${selected ? ' row-selected' : ''}${open ? ' row-open' : ''}`}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
      onClick={() => onPick(id)}
    >
      <div className="row-top">
        <ChannelIcon dialog={d} />
        <span className="row-title">{d.title}</span>
        <time className="row-time" dateTime={d.last_message_at ?? d.created_at}>
          {shortTime(d.last_message_at ?? d.created_at)}
        </time>
      </div>
      <div className="row-bottom">
        <span className="row-excerpt">
          {d.last_message?.author.kind === 'operator' && <span className="row-you">{d.last_message.author.name}: </span>}
          {excerpt(d)}
        </span>
        {unread > 0 && (
          <span className="badge badge-hot" data-testid="unread-count" aria-label={`${unread} unread`}>
            {unread}
          </span>
        )}
      </div>
      <div className="row-line">{lineName ?? `Line #${d.line_id}`}</div>
    </div>
  );
});
