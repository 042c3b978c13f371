import { describe, expect, it } from 'vitest';
import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { markdownElements } from '../../web/src/cases/Markdown';

/** The markup React makes of a note's elements: what the page will hold. */
function renderMarkdown(text: string): string {
  return renderToStaticMarkup(createElement(Fragment, null, ...markdownElements(text)));
}

/** The tags a note may become: Markdown's own, never anything that runs, loads or frames. */
const ALLOWED = new Set(['p', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'code', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 's']);

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase());
}

function hrefsOf(html: string): string[] {
  return [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1]!);
}

describe("a case note's Markdown", () => {
  it('formats what Markdown formats', () => {
    const html = renderMarkdown('## Scope\n\n**Contained** at `10:02`\n\n- key revoked\n- [runbook](https://example.com/rb)\n\n| a | b |\n| - | - |\n| 1 | 2 |');
    expect(tagsOf(html)).toEqual(expect.arrayContaining(['h2', 'strong', 'code', 'ul', 'li', 'a', 'table', 'td']));
    expect(html).toContain('<a href="https://example.com/rb" rel="noopener noreferrer nofollow" target="_blank">runbook</a>');
  });

  const hostile = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](  javascript:alert(1))',
    '[x](java\tscript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](file:///etc/passwd)',
    '<javascript:alert(1)>',
    '[x][r]\n\n[r]: javascript:alert(1)',
    '![pixel](https://evil.example/pixel.png)',
    '![x](javascript:alert(1))',
    '<!-- <script>alert(1)</script> -->',
    '```html\n<script>alert(1)</script>\n```',
    '<style>body{display:none}</style>',
    '<form action="https://evil.example"><input name=x></form>',
  ];

  it.each(hostile)('makes nothing that runs or loads of %j', (text) => {
    const html = renderMarkdown(text);
    for (const tag of tagsOf(html)) expect(ALLOWED, `<${tag}> in ${html}`).toContain(tag);
    for (const href of hrefsOf(html)) expect(href).toMatch(/^(https?:|mailto:|#)/i);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).not.toMatch(/<[^>]*\sstyle=/i);
    expect(html).not.toMatch(/<[^>]*\ssrc=/i);
  });

  it('shows raw HTML as the text it is', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)>')).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
