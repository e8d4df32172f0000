// The reply box's "Insert emoji" button: opens a popover with the emoji picker (the
// `emoji-picker-element` web component, loaded on first use so it stays out of the main
// bundle). Picking an emoji hands its Unicode text (with the chosen skin tone) to `onPick`
// and closes the popover; Escape or a click outside closes it and Escape gives the focus back
// to the button.
import { useEffect, useId, useRef, useState } from 'react';

export function EmojiButton({ onPick }: { onPick: (emoji: string) => void }) {
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const popoverId = useId();

  useEffect(() => {
    if (!open) return;
    let live = true;
    let picker: HTMLElement | null = null;
    setFailed(false);
    const onClick = (e: Event) => {
      const unicode = (e as CustomEvent<{ unicode?: string }>).detail?.unicode;
      if (!unicode) return;
      setOpen(false);
      pick.current(unicode);
    };
    import('./emojiPickerElement')
      .then(({ createEmojiPicker }) => {
        if (!live || !host.current) return;
        picker = createEmojiPicker();
        picker.addEventListener('emoji-click', onClick);
        host.current.appendChild(picker);
        // Start in the picker's search field once it has rendered.
        requestAnimationFrame(() => {
          if (live) picker?.shadowRoot?.querySelector<HTMLElement>('input')?.focus();
        });
      })
      .catch(() => live && setFailed(true));
    // A press outside closes it (presses inside the picker's shadow DOM target its host).
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => {
      live = false;
      document.removeEventListener('mousedown', onDown);
      picker?.removeEventListener('emoji-click', onClick);
      picker?.remove();
    };
  }, [open]);

  return (
    <div className="emoji-wrap" ref={wrap}>
      <button
        ref={button}
        type="button"
        className="btn btn-ghost emoji-toggle"
        aria-label="Insert emoji"
        title="Insert emoji"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">☺</span>
      </button>
      {open && (
        <div
          id={popoverId}
          className="emoji-popover"
          role="dialog"
          aria-label="Emoji picker"
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault();
            e.stopPropagation();
            setOpen(false);
            button.current?.focus();
          }}
        >
          {failed && (
            <p className="emoji-error" role="alert">
              The emoji picker could not be loaded.
            </p>
          )}
          <div ref={host} className="emoji-host" />
        </div>
      )}
    </div>
  );
}
