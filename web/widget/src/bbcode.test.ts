import { describe, expect, test } from 'vitest';
import { parse, render, safeHref } from './bbcode';

function html(text: string): string {
  const div = document.createElement('div');
  div.appendChild(render(text));
  return div.innerHTML;
}

function host(text: string): HTMLDivElement {
  const div = document.createElement('div');
  div.appendChild(render(text));
  return div;
}

// Markup, script and link tricks that must come out as literal text and never as elements,
// attributes or live links.
const XSS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  '<a href="javascript:window.__xss=1">click</a>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '{{constructor.constructor(\'window.__xss=1\')()}}',
  '[img]javascript:window.__xss=1[/img]',
  '<style>*{display:none}</style>',
  '&lt;b&gt;entity&lt;/b&gt; &amp; &#60;script&#62;',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '\u202e<b>rtl</b>',
  '<<script>script>alert(1)<</script>/script>',
];

const BAD_URLS = [
  '[url=javascript:window.__xss=1]x[/url]',
  '[url]javascript:window.__xss=1[/url]',
  '[url=JaVaScRiPt:alert(1)]x[/url]',
  '[url= javascript:alert(1)]x[/url]',
  '[url=data:text/html,<script>alert(1)</script>]x[/url]',
  '[url=vbscript:msgbox(1)]x[/url]',
  '[url=//evil.example/]x[/url]',
  '[url=/relative]x[/url]',
  '[url=http://]x[/url]',
  '[url="http://a.example" onclick="alert(1)"]x[/url]',
  '[url=mailto:a@b.c]mail[/url]',
  '[url]http://a.example/[b]x[/b][/url]',
];

describe('BBCode rendering', () => {
  test.each(XSS)('markup stays text: %s', (payload) => {
    const div = host(payload);
    expect(div.textContent).toBe(payload);
    expect(div.querySelectorAll('*').length).toBe(0);
  });

  test.each(BAD_URLS)('no unsafe link: %s', (payload) => {
    const div = host(payload);
    expect(div.querySelectorAll('a').length).toBe(0);
    expect(div.querySelectorAll('[onclick],[onerror],[onload]').length).toBe(0);
    expect(div.textContent!.startsWith('[url')).toBe(true);
  });

  test('basic tags become elements', () => {
    expect(html('[b]bold[/b] [i]it[/i] [u]u[/u] [s]s[/s]')).toBe(
      '<strong>bold</strong> <em>it</em> <u>u</u> <s>s</s>',
    );
  });

  test('markup inside tags is still text', () => {
    const div = host('[b]<i>bold</i>[/b]');
    expect(div.querySelector('strong')!.textContent).toBe('<i>bold</i>');
    expect(div.querySelectorAll('i').length).toBe(0);
  });

  test('links: only absolute http(s), opened safely', () => {
    const div = host('see [url=https://example.com/a?b=1&c=2]the docs[/url] or [url]http://example.org/[/url]');
    const links = [...div.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1&c=2', 'http://example.org/']);
    expect(links.map((a) => a.textContent)).toEqual(['the docs', 'http://example.org/']);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toContain('noopener');
    }
  });

  test('a quote with an author, code verbatim, br and newlines', () => {
    const div = host('[quote=Ann <b>]hi[/quote][code][b]not bold[/b] <x>[/code]a[br]b\nc');
    expect(div.querySelector('blockquote cite')!.textContent).toBe('Ann <b>');
    expect(div.querySelector('blockquote')!.textContent).toBe('Ann <b>hi');
    expect(div.querySelector('code')!.textContent).toBe('[b]not bold[/b] <x>');
    expect(div.querySelectorAll('strong').length).toBe(0);
    expect(div.querySelectorAll('br').length).toBe(2);
  });

  test('unknown, unclosed and stray tags stay literal', () => {
    expect(host('[b]open').textContent).toBe('[b]open');
    expect(host('close[/i]').textContent).toBe('close[/i]');
    expect(host('[color=red]x[/color]').textContent).toBe('[color=red]x[/color]');
    expect(host('[b=1]x[/b]').textContent).toBe('[b=1]x[/b]');
    const crossed = host('[b][i]x[/b][/i]');
    expect(crossed.textContent).toBe('[i]x[/i]');
    expect(crossed.querySelector('strong')!.textContent).toBe('[i]x');
  });

  test('deep nesting is bounded', () => {
    const deep = '[b]'.repeat(200) + 'x' + '[/b]'.repeat(200);
    const div = host(deep);
    let depth = 0;
    let el: Element | null = div;
    while (el && el.firstElementChild) {
      el = el.firstElementChild;
      depth++;
    }
    expect(depth).toBeLessThanOrEqual(16);
    expect(div.textContent!.includes('x')).toBe(true);
  });

  test('long text is fast', () => {
    const big = '[b]a[/b] <x> '.repeat(2000);
    const t = performance.now();
    host(big);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  test('safeHref', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref(' http://a.example ')).toBe('http://a.example/');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('HTTPS://A.EXAMPLE')).toBe('https://a.example/');
    expect(safeHref('ftp://a.example')).toBeNull();
    expect(parse('')).toEqual([]);
  });
});
