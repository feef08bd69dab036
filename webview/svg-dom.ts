// Builds DOM nodes from the diagram's SVG element tree. Text is set with textContent and attributes with
// setAttribute: host data never passes through an HTML or XML parser in the webview.

import { SVG_NS, attrEntries, xmlSafe, type SvgElement } from '../src/diagram/svg-tree';

export function buildSvgDom(document: Document, node: SvgElement): SVGElement {
  const element = document.createElementNS(SVG_NS, node.tag) as SVGElement;
  for (const [name, value] of attrEntries(node)) {
    if (name === 'xmlns') continue;
    element.setAttribute(name, value);
  }
  for (const child of node.children) {
    if (typeof child === 'string') element.appendChild(document.createTextNode(xmlSafe(child)));
    else element.appendChild(buildSvgDom(document, child));
  }
  return element;
}
