// Small shared pieces of the admin pages.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, withQuery, type Page } from '../api/client';
import type { Employee } from '../api/types';
import { linkClick } from './router';

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}

export function ErrorBox({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="adm-error" role="alert">
      {error}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="adm-loading" role="status">
      Loading {what}…
    </p>
  );
}

export function Link({ href, children, className, ...rest }: {
  href: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined;
}) {
  return (
    <a href={href} onClick={linkClick} className={className} {...rest}>
      {children}
    </a>
  );
}

export const ROLE_LABEL: Record<string, string> = {
  admin: 'Admin',
  supervisor: 'Supervisor',
  operator: 'Operator',
};

/** Every employee (following cursors), optionally only the active ones. */
export async function loadAllEmployees(activeOnly = false): Promise<Employee[]> {
  const out: Employee[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: Page<Employee> = await api<Page<Employee>>(
      'GET',
      withQuery('/api/v1/employees', { limit: 200, cursor, active: activeOnly ? 'true' : undefined }),
    );
    out.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

/** Copies text to the clipboard; falls back to selecting a hidden textarea. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  try {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand?.('copy') ?? false;
    ta.remove();
    return ok;
  } catch {
    return false;
  }
}

/** A "Copy …" button with a polite "Copied" status next to it. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const onClick = useCallback(async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 3000);
  }, [text]);
  return (
    <span className="adm-copy">
      <button type="button" className="adm-btn" onClick={onClick}>
        {label}
      </button>
      <span role="status" className="adm-copy-status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select the text and copy it by hand' : ''}
      </span>
    </span>
  );
}

/** A polite live region for "Saved", "Moved …" and such. */
export function StatusText({ text }: { text: string }) {
  return (
    <p role="status" className="adm-status">
      {text}
    </p>
  );
}
