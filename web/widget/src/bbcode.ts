// A tiny BBCode subset → DOM. Message text comes from operators and visitors, so the output must
// be inert: every piece of text becomes a text node, elements are made with createElement from
// a fixed list of tag names, links only get absolute http(s) targets, and anything not
// understood stays visible as the literal text it was written as. No innerHTML, ever.

// The parsing is shared with the operator workspace (web/shared/bbcode-parse.ts); the widget's
// dialect has no [user] or [chat] (they stay literal text) and allows no mailto: links.
import {
  hrefCheck, parseBBCode, urlTarget as target, type BBElement as SharedElement, type BBNode as SharedNode,
} from '../../shared/bbcode-parse';

const TAGS = ['b', 'i', 'u', 's', 'url', 'quote', 'code', 'br'] as const;
type Tag = (typeof TAGS)[number];

export type BBElement = SharedElement<Tag>;
export type BBNode = SharedNode<Tag>;

/** Only absolute http(s) links; javascript:, data:, relative and malformed ones are refused. */
export const safeHref = hrefCheck(/^https?:\/\/[^\s]/i, ['http:', 'https:']);

const urlTarget = (el: BBElement) => target(el, safeHref);

export function parse(src: string): BBNode[] {
  return parseBBCode(src, { tags: TAGS, safeHref });
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
