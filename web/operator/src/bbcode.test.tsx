import { render } from '@testing-library/react';
import { BBCode, safeHref, toPlainText } from './bbcode';

function html(text: string): string {
  const { container } = render(<BBCode text={text} />);
  return container.innerHTML;
}

function dom(text: string): HTMLElement {
  return render(<div><BBCode text={text} /></div>).container.firstElementChild as HTMLElement;
}

describe('BBCode rendering', () => {
  it('renders the simple formatting tags', () => {
    expect(html('[b]bold[/b] [i]it[/i] [u]under[/u] [s]gone[/s]')).toBe(
      '<strong>bold</strong> <em>it</em> <u>under</u> <s>gone</s>',
    );
  });

  it('is case-insensitive in tag names', () => {
    expect(html('[B]x[/b]')).toBe('<strong>x</strong>');
  });

  it('nests tags', () => {
    expect(html('[b]a [i]b[/i][/b]')).toBe('<strong>a <em>b</em></strong>');
  });

  it('turns newlines and [br] into line breaks', () => {
    expect(html('one\ntwo[br]three')).toBe('one<br>two<br>three');
  });

  it('renders links with a safe target and rel', () => {
    const a = dom('[url=https://example.com/x?a=1&b=2]site[/url]').querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.com/x?a=1&b=2');
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    expect(a.textContent).toBe('site');
  });

  it('uses the content as the address of a bare [url]', () => {
    const a = dom('[url]http://example.com[/url]').querySelector('a')!;
    expect(a.getAttribute('href')).toBe('http://example.com/');
    expect(a.textContent).toBe('http://example.com');
  });

  it('allows mailto links', () => {
    expect(dom('[url=mailto:a@b.test]mail[/url]').querySelector('a')!.getAttribute('href')).toBe('mailto:a@b.test');
  });

  it('renders quotes with an optional author', () => {
    const el = dom('[quote=Ann]hello [b]there[/b][/quote]');
    const q = el.querySelector('blockquote')!;
    expect(q.querySelector('cite')!.textContent).toBe('Ann');
    expect(q.querySelector('strong')!.textContent).toBe('there');
  });

  it('keeps code content verbatim', () => {
    const el = dom('[code][b]not bold[/b]\n<x>[/code]');
    expect(el.querySelector('code')!.textContent).toBe('[b]not bold[/b]\n<x>');
    expect(el.querySelector('strong')).toBeNull();
  });

  it('renders mentions and chat links', () => {
    const el = dom('[user=5]Ann[/user] see [chat=42]that chat[/chat]');
    expect(el.querySelector('.bb-user')!.textContent).toBe('@Ann');
    expect(el.querySelector('.bb-user')!.getAttribute('aria-label')).toBe('Mention of Ann');
    expect(el.querySelector('.bb-user')!.getAttribute('data-user-id')).toBe('5');
    expect(el.querySelector('a.bb-chat')!.getAttribute('href')).toBe('/dialogs/42');
  });

  it('renders unknown tags literally', () => {
    expect(dom('[img]x.png[/img] [color=red]r[/color]').textContent).toBe('[img]x.png[/img] [color=red]r[/color]');
  });

  it('renders unbalanced tags literally', () => {
    expect(dom('[b]open').textContent).toBe('[b]open');
    expect(dom('close[/b]').textContent).toBe('close[/b]');
    expect(dom('[b]a[i]b[/b]').innerHTML).toBe('<strong>a[i]b</strong>');
    expect(dom('[code]never closed').textContent).toBe('[code]never closed');
  });

  it('renders arguments on tags that take none literally', () => {
    expect(dom('[b=1]x[/b]').textContent).toBe('[b=1]x[/b]');
  });

  it('limits nesting depth', () => {
    const deep = '[b]'.repeat(100) + 'x' + '[/b]'.repeat(100);
    const el = dom(deep);
    expect(el.querySelectorAll('strong').length).toBeLessThanOrEqual(16);
    expect(el.textContent).toContain('x');
  });
});

describe('BBCode XSS corpus', () => {
  const corpus = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[url=javascript:alert(1)]click[/url]',
    '[url]javascript:alert(1)[/url]',
    '[url=JaVaScRiPt:alert(1)]x[/url]',
    '[url= javascript:alert(1)]x[/url]',
    '[url=data:text/html,<script>alert(1)</script>]x[/url]',
    '[url=//evil.example]x[/url]',
    '[url=https://ok.example" onmouseover="alert(1)]x[/url]',
    '[url=vbscript:msgbox(1)]x[/url]',
    '[url][b]http://a.example[/b][/url]',
    '[chat=1 onclick=alert(1)]x[/chat]',
    '[chat=javascript:alert(1)]x[/chat]',
    '[quote=<img src=x onerror=alert(1)>]q[/quote]',
    '[b][i][url=javascript:alert(1)]x[/b]',
    '[code]<script>alert(1)</script>[/code]',
    '"><svg onload=alert(1)>',
  ];

  it.each(corpus)('renders %s inertly', (src) => {
    const el = dom(src);
    expect(el.querySelector('script, img, svg, iframe, [onerror], [onload], [onclick], [onmouseover]')).toBeNull();
    for (const a of el.querySelectorAll('a')) {
      const href = a.getAttribute('href')!;
      expect(href).toMatch(/^(https?:\/\/|mailto:|\/dialogs\/\d+$)/);
    }
  });

  it('shows refused links as literal text', () => {
    expect(dom('[url=javascript:alert(1)]click[/url]').textContent).toBe('[url=javascript:alert(1)]click[/url]');
  });

  it('keeps HTML as visible text', () => {
    expect(dom('<img src=x onerror=alert(1)>').textContent).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('safeHref', () => {
  it('accepts only http, https and mailto', () => {
    expect(safeHref('https://a.example')).toBe('https://a.example/');
    expect(safeHref('ftp://a.example')).toBeNull();
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
  });
});

describe('toPlainText', () => {
  it('strips known tags and keeps the text', () => {
    expect(toPlainText('[b]Hi[/b] [url=https://x.example]there[/url][br]ok')).toBe('Hi there\nok');
  });

  it('keeps unknown and unbalanced markup', () => {
    expect(toPlainText('[b]a [x]y[/x]')).toBe('[b]a [x]y[/x]');
  });
});
