// Advisory bodies: Markdown to safe HTML. Raw HTML is escaped, never passed through; links are limited
// to http(s) and mailto.
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
const allowedLink = /^(https?:|mailto:)/i;
md.validateLink = (url: string) => allowedLink.test(url.trim());

export function renderMarkdown(source: string): string {
  return md.render(source);
}
