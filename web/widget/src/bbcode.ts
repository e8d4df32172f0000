// A tiny BBCode subset → DOM. Message text comes from operators and visitors, so the output must
// be inert: every piece of text becomes a text node, elements are made with createElement from
// a fixed list of tag names, links only get absolute http(s) targets, and anything not
// understood stays visible as the literal text it was written as. No innerHTML, ever.

type Tag = 'b' | 'i' | 'u' | 's' | 'url' | 'quote' | 'code' | 'br';

export interface BBElement {
  tag: Tag;
  arg: string | null;
  children: BBNode[];
}
export type BBNode = string | BBElement;

interface Frame {
  tag: Tag | null;
  arg: string | null;
  openRaw: string;
  children: BBNode[];
}

// Deeper nesting is never legitimate; it is rendered literally to bound the work.
const MAX_DEPTH = 16;
const TAG_SOURCE = '\\[(\\/?)(b|i|u|s|url|quote|code|br)(?:=([^\\]\\n]{0,2048}))?\\]';
const ARG_TAGS: ReadonlySet<Tag> = new Set<Tag>(['url', 'quote']);

function push(into: BBNode[], node: BBNode) {
  const last = into[into.length - 1];
  if (typeof node === 'string' && typeof last === 'string') into[into.length - 1] = last + node;
  else if (node !== '') into.push(node);
}

function unwind(parent: Frame, f: Frame) {
  push(parent.children, f.openRaw);
  for (const c of f.children) push(parent.children, c);
}

/** Only absolute http(s) links; javascript:, data:, relative and malformed ones are refused. */
export function safeHref(raw: string): string | null {
  const s = raw.trim();
  if (!/^https?:\/\/[^\s]/i.test(s)) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function urlTarget(el: BBElement): string | null {
  if (el.arg !== null) return safeHref(el.arg);
  if (el.children.length !== 1 || typeof el.children[0] !== 'string') return null;
  return safeHref(el.children[0]);
}

export function parse(src: string): BBNode[] {
  const root: Frame = { tag: null, arg: null, openRaw: '', children: [] };
  const stack: Frame[] = [root];
  const re = new RegExp(TAG_SOURCE, 'gi');
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
    if (tag === 'br') {
      if (closing) push(top.children, raw);
      else top.children.push({ tag: 'br', arg: null, children: [] });
      continue;
    }
    if (!closing && tag === 'code') {
      // Code is verbatim: tags inside it are not parsed.
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
    while (stack.length - 1 > i) unwind(stack[stack.length - 2], stack.pop()!);
    const f = stack.pop()!;
    const parent = stack[stack.length - 1];
    const el: BBElement = { tag, arg: f.arg, children: f.children };
    if (tag !== 'url' || urlTarget(el) !== null) parent.children.push(el);
    else {
      unwind(parent, f);
      push(parent.children, raw);
    }
  }
  push(stack[stack.length - 1].children, src.slice(pos));
  while (stack.length > 1) unwind(stack[stack.length - 2], stack.pop()!);
  return root.children;
}

/** Text with its newlines as <br> elements. */
function appendText(doc: Document, into: Node, s: string) {
  const lines = s.split('\n');
  lines.forEach((line, i) => {
    if (i > 0) into.appendChild(doc.createElement('br'));
    if (line) into.appendChild(doc.createTextNode(line));
  });
}

function build(doc: Document, into: Node, nodes: BBNode[]) {
  for (const n of nodes) {
    if (typeof n === 'string') {
      appendText(doc, into, n);
      continue;
    }
    switch (n.tag) {
      case 'br':
        into.appendChild(doc.createElement('br'));
        break;
      case 'b':
      case 'i':
      case 'u':
      case 's': {
        const el = doc.createElement(n.tag === 'b' ? 'strong' : n.tag === 'i' ? 'em' : n.tag);
        build(doc, el, n.children);
        into.appendChild(el);
        break;
      }
      case 'code': {
        const el = doc.createElement('code');
        el.textContent = typeof n.children[0] === 'string' ? n.children[0] : '';
        into.appendChild(el);
        break;
      }
      case 'quote': {
        const el = doc.createElement('blockquote');
        if (n.arg) {
          const who = doc.createElement('cite');
          who.textContent = n.arg;
          el.appendChild(who);
        }
        build(doc, el, n.children);
        into.appendChild(el);
        break;
      }
      case 'url': {
        const href = urlTarget(n);
        const a = doc.createElement('a');
        if (href) a.href = href; // parse() keeps only valid ones; this guard is belt and braces
        a.target = '_blank';
        a.rel = 'noopener noreferrer nofollow ugc';
        build(doc, a, n.children);
        into.appendChild(a);
        break;
      }
    }
  }
}

/** The message's text as a DocumentFragment of text nodes and a few safe elements. */
export function render(text: string, doc: Document = document): DocumentFragment {
  const frag = doc.createDocumentFragment();
  build(doc, frag, parse(text));
  return frag;
}
