import MarkdownIt from 'markdown-it';
import { useMemo } from 'react';

/**
 * Markdown a responder wrote, shown formatted and safe: raw HTML is not HTML (html: false turns
 * it into text), links are only http(s) and mailto (markdown-it refuses javascript:, vbscript:,
 * file: and data: already; this narrows it further), and links open apart from the app.
 */
const renderer = new MarkdownIt({ html: false, linkify: false, typographer: false });
const SAFE_LINK = /^(https?:|mailto:|#)/i;
renderer.validateLink = (url: string) => SAFE_LINK.test(url.trim());
const defaultLinkOpen = renderer.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
renderer.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
  tokens[idx]!.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};
// An image would load from wherever the note points: a tracking pixel for whoever wrote it. Shown as its text.
renderer.disable('image');

export function renderMarkdown(text: string): string {
  return renderer.render(text);
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // Safe to insert: markdown-it escapes every character of the text it does not turn into its own tags.
  return <div className={`markdown ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
