// BBCode subset → React elements. Messages come from customers, so the output must be inert:
// React escapes every string we hand it, we never produce raw HTML, links only get http(s)
// and mailto targets, and anything we do not understand stays visible as literal text.
// The parsing is shared with the website widget (web/shared/bbcode-parse.ts); the workspace's
// dialect also knows [user] mentions and [chat] links.
import { Fragment, type ReactNode } from 'react';
import { hrefCheck, parseBBCode, plainText, urlTarget as target, type BBElement, type BBNode } from '../../shared/bbcode-parse';

/** Only absolute http(s) and mailto links; anything else (javascript:, data:, relative) is refused. */
export const safeHref = hrefCheck(/^(https?:\/\/|mailto:)/i, ['http:', 'https:', 'mailto:']);

const TAGS = ['b', 'i', 'u', 's', 'url', 'quote', 'code', 'user', 'chat', 'br'] as const;
const parse = (src: string) => parseBBCode(src, { tags: TAGS, safeHref });
const urlTarget = (el: BBElement) => target(el, safeHref);
const textOf = plainText;
type Node = BBNode;

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
      case 'user': {
        // A colleague's mention: a chip with the name (React escapes it), named for assistive
        // technology as what it is.
        const name = textOf(n.children);
        return (
          <span key={key} className="bb-user" role="img" aria-label={`Mention of ${name}`} data-user-id={n.arg?.trim() || undefined}>
            @{name}
          </span>
        );
      }
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
