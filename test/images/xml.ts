/** A small XML reader for tests: elements with attributes, children and text; enough to read OVF descriptors back. */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = tag.exec(source)) !== null) {
    if (m.index !== consumed) throw new Error(`unexpected XML at offset ${consumed}`);
    consumed = tag.lastIndex;
    const [whole, closing, name, attrText, selfClosing, text] = m;
    if (whole.startsWith('<?') || whole.startsWith('<!--')) continue;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      top.text += decode(text);
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = decode(a[2] ?? a[3]);
    const el: XmlElement = { name, attrs, children: [], text: '' };
    top.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (consumed !== source.length) throw new Error(`unexpected XML at offset ${consumed}`);
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  const elements = root.children;
  if (elements.length !== 1) throw new Error('an XML document has exactly one root element');
  return elements[0];
}

/** Children by name, following a path such as `VirtualSystem/VirtualHardwareSection/Item`. */
export function select(el: XmlElement, path: string): XmlElement[] {
  let current = [el];
  for (const step of path.split('/')) current = current.flatMap((e) => e.children.filter((c) => c.name === step));
  return current;
}

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? '');
}
