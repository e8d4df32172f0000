// The BBCode subset shared by the operator workspace (web/operator/src/bbcode.tsx, React) and
// the website widget (web/widget/src/bbcode.ts, plain DOM): text → a small tree of strings and
// elements. Pure and dependency-free; each front end renders the tree itself. Message text
// comes from customers, so the tree must be safe to render: anything not understood (an
// unknown or unbalanced tag, an argument where none is allowed, a refused link) stays in it as
// the literal text it was written as, and links only get targets its dialect's href check
// accepts. The two front ends differ in which tags they know and which link schemes they allow;
// a Dialect carries both.

export type Tag = 'b' | 'i' | 'u' | 's' | 'url' | 'quote' | 'code' | 'user' | 'chat' | 'br';

export interface BBElement<T extends Tag = Tag> {
  tag: T;
  arg: string | null;
  children: BBNode<T>[];
}
export type BBNode<T extends Tag = Tag> = string | BBElement<T>;

/** A link's target as it may be used, or null if the link is refused. */
export type HrefCheck = (raw: string) => string | null;

export interface Dialect<T extends Tag> {
  /** The tags parsed; any other tag (e.g. [user] where it is not listed) is literal text. */
  readonly tags: readonly T[];
  readonly safeHref: HrefCheck;
}

/**
 * An href check: the trimmed text must start with `prefix` (a first, cheap refusal of
 * javascript:, data:, relative and protocol-relative targets) and parse as a URL whose
 * protocol is one of `protocols` (e.g. 'https:'); the normalised URL is returned.
 */
export function hrefCheck(prefix: RegExp, protocols: readonly string[]): HrefCheck {
  return (raw) => {
    const s = raw.trim();
    if (!prefix.test(s)) return null;
    try {
      const u = new URL(s);
      return protocols.includes(u.protocol) ? u.href : null;
    } catch {
      return null;
    }
  };
}

// Deeper nesting than this is rendered literally: it is never legitimate and would only cost
// stack depth when rendering.
const MAX_DEPTH = 16;
// Tags that may carry an argument ([url=…], [quote=…], [user=…], [chat=…]).
const ARG_TAGS: ReadonlySet<Tag> = new Set<Tag>(['url', 'quote', 'user', 'chat']);

/** The address of a [url] element: its argument, or for a bare [url]…[/url] its plain-text content. */
export function urlTarget(el: BBElement, safeHref: HrefCheck): string | null {
  if (el.arg !== null) return safeHref(el.arg);
  // [url]http://…[/url]: the content is the address, so it must be plain text.
  if (el.children.length !== 1 || typeof el.children[0] !== 'string') return null;
  return safeHref(el.children[0]);
}

function valid(el: BBElement, safeHref: HrefCheck): boolean {
  switch (el.tag) {
    case 'url':
      return urlTarget(el, safeHref) !== null;
    case 'chat':
      return el.arg !== null && /^\d{1,18}$/.test(el.arg.trim());
    case 'user':
      return el.arg === null || /^\d{1,18}$/.test(el.arg.trim());
    default:
      return true;
  }
}

interface Frame<T extends Tag> {
  tag: T | null;
  arg: string | null;
  openRaw: string;
  children: BBNode<T>[];
}

function push<T extends Tag>(into: BBNode<T>[], node: BBNode<T>) {
  // Merge adjacent strings so literal fallbacks do not fragment text.
  const last = into[into.length - 1];
  if (typeof node === 'string' && typeof last === 'string') into[into.length - 1] = last + node;
  else if (node !== '') into.push(node);
}

/** Puts an unclosed frame back into its parent as the literal text it was written as. */
function unwind<T extends Tag>(parent: Frame<T>, f: Frame<T>) {
  push(parent.children, f.openRaw);
  for (const c of f.children) push(parent.children, c);
}

export function parseBBCode<T extends Tag>(src: string, dialect: Dialect<T>): BBNode<T>[] {
  const root: Frame<T> = { tag: null, arg: null, openRaw: '', children: [] };
  const stack: Frame<T>[] = [root];
  const re = new RegExp(`\\[(\\/?)(${dialect.tags.join('|')})(?:=([^\\]\\n]{0,2048}))?\\]`, 'gi');
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    const top = stack[stack.length - 1];
    push(top.children, src.slice(pos, m.index));
    pos = re.lastIndex;
    const raw = m[0];
    const closing = m[1] === '/';
    const tag = m[2].toLowerCase() as T;
    const arg = m[3] ?? null;
    if (arg !== null && (closing || !ARG_TAGS.has(tag))) {
      push(top.children, raw);
      continue;
    }
    if (tag === 'br') {
      // [br] stands alone; a [/br] is literal.
      if (closing) push(top.children, raw);
      else top.children.push({ tag, arg: null, children: [] });
      continue;
    }
    if (!closing && tag === 'code') {
      // Code content is verbatim: tags inside it are not parsed.
      const end = src.slice(pos).search(/\[\/code\]/i);
      if (end < 0) {
        push(top.children, raw);
        continue;
      }
      top.children.push({ tag, arg: null, children: [src.slice(pos, pos + end)] });
      pos += end + '[/code]'.length;
      re.lastIndex = pos;
      continue;
    }
    if (!closing) {
      if (stack.length > MAX_DEPTH) push(top.children, raw);
      else stack.push({ tag, arg, openRaw: raw, children: [] });
      continue;
    }
    let i = stack.length - 1;
    while (i > 0 && stack[i].tag !== tag) i--;
    if (i === 0) {
      push(top.children, raw);
      continue;
    }
    while (stack.length - 1 > i) unwind(stack[stack.length - 2], stack.pop()!);
    const f = stack.pop()!;
    const parent = stack[stack.length - 1];
    const el: BBElement<T> = { tag, arg: f.arg, children: f.children };
    if (valid(el, dialect.safeHref)) parent.children.push(el);
    else {
      unwind(parent, f);
      push(parent.children, raw);
    }
  }
  push(stack[stack.length - 1].children, src.slice(pos));
  while (stack.length > 1) unwind(stack[stack.length - 2], stack.pop()!);
  return root.children;
}

/** The text a reader sees, without markup: [br] becomes a newline, elements their content. */
export function plainText(nodes: readonly BBNode[]): string {
  return nodes.map((n) => (typeof n === 'string' ? n : n.tag === 'br' ? '\n' : plainText(n.children))).join('');
}
