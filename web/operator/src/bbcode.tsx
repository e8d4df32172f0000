// BBCode subset → React elements. Messages come from customers, so the output must be inert:
// React escapes every string we hand it, we never produce raw HTML, links only get http(s)
// and mailto targets, and anything we do not understand stays visible as literal text.
import { Fragment, type ReactNode } from 'react';

type Tag = 'b' | 'i' | 'u' | 's' | 'url' | 'quote' | 'code' | 'user' | 'chat' | 'br';

interface Element {
  tag: Tag;
  arg: string | null;
  children: Node[];
}
type Node = string | Element;

interface Frame {
  tag: Tag | null;
  arg: string | null;
  openRaw: string;
  children: Node[];
}

// Deeper nesting than this is rendered literally: it is never legitimate and would only
// cost stack depth when rendering.
const MAX_DEPTH = 16;
const TAG_RE = /\[(\/?)(b|i|u|s|url|quote|code|user|chat|br)(?:=([^\]\n]{0,2048}))?\]/gi;
const ARG_TAGS: ReadonlySet<Tag> = new Set(['url', 'quote', 'user', 'chat']);

function push(into: Node[], node: Node) {
  // Merge adjacent strings so literal fallbacks do not fragment text.
  const last = into[into.length - 1];
  if (typeof node === 'string' && typeof last === 'string') into[into.length - 1] = last + node;
  else if (node !== '') into.push(node);
}

/** Puts an unclosed frame back into its parent as the literal text it was written as. */
function unwind(parent: Frame, f: Frame) {
  push(parent.children, f.openRaw);
  for (const c of f.children) push(parent.children, c);
}

function parse(src: string): Node[] {
  const root: Frame = { tag: null, arg: null, openRaw: '', children: [] };
  const stack: Frame[] = [root];
  const re = new RegExp(TAG_RE.source, 'gi');
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    const top = stack[stack.length - 1];
    push(top.children, src.slice(pos, m.index));
    pos = re.lastIndex;
    const raw = m[0];
    const closing = m[1] === '/';
    const tag = m[2].toLowerCase() as Tag;
    const arg = m[3] ?? null;
    if (arg !== null && (closing || !ARG_TAGS.has(tag))) {
      push(top.children, raw);
      continue;
    }
    if (!closing && tag === 'br') {
      top.children.push({ tag: 'br', arg: null, children: [] });
      continue;
    }
    if (!closing && tag === 'code') {
      // Code content is verbatim: tags inside it are not parsed.
      const end = src.slice(pos).search(/\[\/code\]/i);
      if (end < 0) {
        push(top.children, raw);
        continue;
      }
      top.children.push({ tag: 'code', arg: null, children: [src.slice(pos, pos + end)] });
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
    while (stack.length - 1 > i) {
      const f = stack.pop()!;
      unwind(stack[stack.length - 1], f);
    }
    const f = stack.pop()!;
    const parent = stack[stack.length - 1];
    const el: Element = { tag, arg: f.arg, children: f.children };
    if (valid(el)) parent.children.push(el);
    else {
      unwind(parent, f);
      push(parent.children, raw);
    }
  }
  push(stack[stack.length - 1].children, src.slice(pos));
  while (stack.length > 1) {
    const f = stack.pop()!;
    unwind(stack[stack.length - 1], f);
  }
  return root.children;
}

/** Only absolute http(s) and mailto links; anything else (javascript:, data:, relative) is refused. */
export function safeHref(raw: string): string | null {
  const s = raw.trim();
  if (!/^(https?:\/\/|mailto:)/i.test(s)) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : null;
  } catch {
    return null;
  }
}

function textOf(nodes: Node[]): string {
  return nodes.map((n) => (typeof n === 'string' ? n : n.tag === 'br' ? '\n' : textOf(n.children))).join('');
}

function urlTarget(el: Element): string | null {
  if (el.arg !== null) return safeHref(el.arg);
  // [url]http://…[/url]: the content is the address, so it must be plain text.
  if (el.children.length !== 1 || typeof el.children[0] !== 'string') return null;
  return safeHref(el.children[0]);
}

function valid(el: Element): boolean {
  switch (el.tag) {
    case 'url':
      return urlTarget(el) !== null;
    case 'chat':
      return el.arg !== null && /^\d{1,18}$/.test(el.arg.trim());
    case 'user':
      return el.arg === null || /^\d{1,18}$/.test(el.arg.trim());
    default:
      return true;
  }
}

function textWithBreaks(s: string, key: string): ReactNode {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  return (
    <Fragment key={key}>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 && <br />}
          {line}
        </Fragment>
      ))}
    </Fragment>
  );
}

function render(nodes: Node[], prefix: string): ReactNode[] {
  return nodes.map((n, i) => {
    const key = `${prefix}.${i}`;
    if (typeof n === 'string') return textWithBreaks(n, key);
    const kids = () => render(n.children, key);
    switch (n.tag) {
      case 'b':
        return <strong key={key}>{kids()}</strong>;
      case 'i':
        return <em key={key}>{kids()}</em>;
      case 'u':
        return <u key={key}>{kids()}</u>;
      case 's':
        return <s key={key}>{kids()}</s>;
      case 'br':
        return <br key={key} />;
      case 'code':
        return <code key={key} className="bb-code">{textOf(n.children)}</code>;
      case 'quote':
        return (
          <blockquote key={key} className="bb-quote">
            {n.arg && <cite>{n.arg}</cite>}
            {kids()}
          </blockquote>
        );
      case 'url':
        return (
          <a key={key} href={urlTarget(n)!} target="_blank" rel="noopener noreferrer">
            {kids()}
          </a>
        );
      case 'user':
        return <span key={key} className="bb-user">@{textOf(n.children)}</span>;
      case 'chat':
        // An internal link: the router picks up same-origin clicks.
        return <a key={key} href={`/dialogs/${n.arg!.trim()}`} className="bb-chat">{kids()}</a>;
    }
  });
}

export function BBCode({ text }: { text: string }) {
  return <>{render(parse(text), 'bb')}</>;
}

/** The text a reader sees, without markup: for list excerpts and quoting. */
export function toPlainText(src: string): string {
  return textOf(parse(src));
}
