import MarkdownIt from 'markdown-it';
import { createElement, useMemo, type ReactNode } from 'react';

/**
 * Markdown a responder wrote (and a case report, whose log-derived text is escaped), shown
 * formatted and safe. markdown-it only parses: its tokens become React elements, so every text is
 * a React text node and nothing is ever written as HTML. Raw HTML in the text stays text
 * (html: false), only the tags below can appear, links are only http(s) and mailto (markdown-it
 * refuses javascript:, vbscript:, file: and data: already; this narrows it further) and open
 * apart from the app, and images are not loaded (a note must not become a tracking pixel).
 */
const parser = new MarkdownIt({ html: false, linkify: false, typographer: false });
const SAFE_LINK = /^(https?:|mailto:|#)/i;
parser.validateLink = (url: string) => SAFE_LINK.test(url.trim());
parser.disable('image');

/** The elements Markdown makes; a token with any other tag is dropped, its text kept. */
const TAGS = new Set(['p', 'strong', 'em', 's', 'a', 'ul', 'ol', 'li', 'code', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);

type Token = ReturnType<typeof parser.parse>[number];

interface Frame {
  readonly tag: string | null;
  readonly props: Record<string, string>;
  readonly children: ReactNode[];
}

/** The elements of a Markdown text: markdown-it's token stream folded into a tree. */
export function markdownElements(text: string): ReactNode[] {
  const root: Frame = { tag: null, props: {}, children: [] };
  const stack: Frame[] = [root];
  const add = (node: ReactNode) => stack[stack.length - 1]!.children.push(node);
  const close = () => {
    const frame = stack.pop()!;
    const parent = stack[stack.length - 1]!;
    const key = String(parent.children.length);
    // A dropped tag keeps its text (its children go to the parent).
    if (frame.tag && TAGS.has(frame.tag)) parent.children.push(createElement(frame.tag, { ...frame.props, key }, ...frame.children));
    else parent.children.push(...frame.children);
  };
  const walk = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.nesting === 1) {
        const href = token.type === 'link_open' ? token.attrGet('href') : null;
        stack.push({ tag: token.tag, props: href !== null ? { href: String(href), rel: 'noopener noreferrer nofollow', target: '_blank' } : {}, children: [] });
      } else if (token.nesting === -1) {
        close();
      } else if (token.type === 'inline') {
        walk(token.children ?? []);
      } else if (token.type === 'fence' || token.type === 'code_block') {
        add(createElement('pre', { key: String(stack[stack.length - 1]!.children.length) }, createElement('code', null, token.content)));
      } else if (token.type === 'code_inline') {
        add(createElement('code', { key: String(stack[stack.length - 1]!.children.length) }, token.content));
      } else if (token.type === 'hardbreak' || token.type === 'hr') {
        add(createElement(token.tag, { key: String(stack[stack.length - 1]!.children.length) }));
      } else if (token.type === 'softbreak') {
        add('\n');
      } else {
        // text, and html_inline / html_block if they ever came (html is off): text, never markup.
        add(token.content);
      }
    }
  };
  walk(parser.parse(text, {}));
  while (stack.length > 1) close();
  return root.children;
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const elements = useMemo(() => markdownElements(text), [text]);
  return <div className={`markdown ${className ?? ''}`}>{elements}</div>;
}
