import { DistanceError } from '../../types';

/** Callbacks of the XML scanner; attribute values arrive with entities decoded. */
export interface XmlHandler {
  open(name: string, attributes: Record<string, string>, selfClosing: boolean): void;
  close?(name: string): void;
  text?(text: string): void;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces the XML predefined and numeric character entities. */
export function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body] ?? whole;
  });
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * A small non-validating XML scanner: enough for OSM XML and GraphML (start
 * and end tags, attributes, text; comments, processing instructions, DOCTYPE
 * and CDATA handled). Works on a whole document in memory.
 */
export function scanXml(xml: string, handler: XmlHandler): void {
  let i = 0;
  const length = xml.length;
  while (i < length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      if (handler.text && i < length) handler.text(decodeEntities(xml.slice(i)));
      break;
    }
    if (handler.text && lt > i) handler.text(decodeEntities(xml.slice(i, lt)));
    const next = xml.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      i = endOf(xml, '?>', lt) + 2;
    } else if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) i = endOf(xml, '-->', lt) + 3;
      else if (xml.startsWith('<![CDATA[', lt)) {
        const end = endOf(xml, ']]>', lt);
        if (handler.text) handler.text(xml.slice(lt + 9, end));
        i = end + 3;
      } else i = endOf(xml, '>', lt) + 1;
    } else if (next === 47 /* / */) {
      const gt = endOf(xml, '>', lt);
      handler.close?.(xml.slice(lt + 2, gt).trim());
      i = gt + 1;
    } else {
      const gt = tagEnd(xml, lt);
      const selfClosing = xml.charCodeAt(gt - 1) === 47;
      const body = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
      let nameEnd = 0;
      while (nameEnd < body.length && !/\s/.test(body[nameEnd])) nameEnd++;
      const name = body.slice(0, nameEnd);
      const attributes: Record<string, string> = {};
      if (nameEnd < body.length) {
        ATTRIBUTE.lastIndex = nameEnd;
        let match: RegExpExecArray | null;
        while ((match = ATTRIBUTE.exec(body)) !== null) attributes[match[1]] = decodeEntities(match[2] ?? match[3] ?? '');
      }
      handler.open(name, attributes, selfClosing);
      if (selfClosing) handler.close?.(name);
      i = gt + 1;
    }
  }
}

function endOf(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  if (at < 0) throw new DistanceError('graph_format', `XML: unterminated markup at offset ${from}`);
  return at;
}

/** The `>` closing a start tag, skipping any inside quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let k = from + 1; k < xml.length; k++) {
    const c = xml.charCodeAt(k);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return k;
  }
  throw new DistanceError('graph_format', `XML: unterminated tag at offset ${from}`);
}
