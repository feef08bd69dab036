// The drawing as a tree of SVG elements, not as markup. Node serialises it to a string (with every text and
// attribute escaped here, in one place); the webview builds DOM nodes from it with createElementNS and
// textContent, so host data is never parsed as markup anywhere.

export type AttrValue = string | number | undefined;

export interface SvgElement {
  tag: string;
  attrs: Record<string, AttrValue>;
  children: SvgChild[];
}

/** A string child is text, never markup. */
export type SvgChild = SvgElement | string;

export const SVG_NS = 'http://www.w3.org/2000/svg';

const NAME = /^[A-Za-z_][\w.:-]*$/;

export function el(tag: string, attrs: Record<string, AttrValue> = {}, ...children: (SvgChild | null | undefined | false)[]): SvgElement {
  return { tag, attrs, children: children.filter((c): c is SvgChild => c !== null && c !== undefined && c !== false) };
}

/** Tag and attribute names come from this code, never from data; a bad one is a bug, not an input. */
function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid SVG name ${JSON.stringify(name)}`);
  return name;
}

/** XML 1.0 cannot carry most control characters nor lone surrogates, even escaped: they become U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function escapeText(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  return String(Math.round(value * 100) / 100);
}

function attrText(value: Exclude<AttrValue, undefined>): string {
  return typeof value === 'number' ? formatNumber(value) : value;
}

export function serializeSvg(root: SvgElement): string {
  const out: string[] = [];
  const write = (node: SvgChild) => {
    if (typeof node === 'string') { out.push(escapeText(node)); return; }
    out.push('<', checkName(node.tag));
    for (const [name, value] of Object.entries(node.attrs)) {
      if (value === undefined) continue;
      out.push(' ', checkName(name), '="', escapeAttr(attrText(value)), '"');
    }
    if (!node.children.length) { out.push('/>'); return; }
    out.push('>');
    for (const child of node.children) write(child);
    out.push('</', node.tag, '>');
  };
  write(root);
  return out.join('');
}

/** Attribute values as the DOM builder should set them (numbers rounded the same way as in the string). */
export function attrEntries(node: SvgElement): [string, string][] {
  return Object.entries(node.attrs)
    .filter((entry): entry is [string, Exclude<AttrValue, undefined>] => entry[1] !== undefined)
    .map(([name, value]) => [checkName(name), xmlSafe(attrText(value))]);
}
