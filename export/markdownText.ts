import { revealHidden } from './visibleText';

/** Text in Markdown prose: hidden characters revealed, Markdown and HTML characters escaped. */
export function md(text: string): string {
  return revealHidden(text)
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`)
    // Bare URLs become links in GitHub-flavoured Markdown: escaped, they stay text.
    .replace(/:\/\//g, ':\\/\\/')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`)
    // A lone carriage return is a line break to CommonMark too: it could start a heading or a list.
    .replace(/\r\n?|\n/g, ' ');
}

/** Text inside a code span: backticks cannot close it. */
export function code(text: string): string {
  return revealHidden(text).replace(/`/g, "'").replace(/\r\n?|\n/g, ' ');
}
