// Message attachments, shared by the operator workspace and the website widget: the JSON shape
// of a file (`POST /api/v1/files`, `POST /api/v1/widget/files` and every message's `files`),
// sizes for people, and the checks both front ends make before they link a file.

/** One attached file. `url` is a signed, expiring download URL relative to the server. */
export interface MessageFile {
  id: number;
  name: string;
  size: number;
  mime: string;
  /** png/jpeg/gif/webp as the server judged from the content: shown inline. */
  image: boolean;
  url: string;
}

/** At most this many files go with one message (the server refuses more). */
export const MAX_FILES = 10;

/** 1234567 → "1.2 MB" (powers of 1024, as upload limits are counted). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? Math.round(v * 10) / 10 : Math.round(v)} ${units[i]}`;
}

/**
 * A message's `files` made safe to render: missing (older data) or malformed → [], and only
 * entries with an id, a name and a string url are kept.
 */
export function filesOf(m: { files?: unknown } | null | undefined): MessageFile[] {
  const raw = m?.files;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (f): f is MessageFile =>
      !!f && typeof f === 'object' && typeof (f as MessageFile).id === 'number' &&
      typeof (f as MessageFile).name === 'string' && typeof (f as MessageFile).url === 'string',
  );
}

/**
 * The URL a file may be linked with, resolved against `base` (the server's origin), or null
 * when it is not an http(s) URL (a `javascript:` or `data:` URL is never linked).
 */
export function fileHref(url: string, base: string): string | null {
  try {
    const u = new URL(url, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** "📎 a.png, b.pdf": a stand-in for a message with files but no text (list previews). */
export function filesPreview(files: MessageFile[]): string {
  return files.length ? '📎 ' + files.map((f) => f.name).join(', ') : '';
}
