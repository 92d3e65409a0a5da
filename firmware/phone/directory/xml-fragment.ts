/**
 * A small, strict reader for the XML that phonebook files are written in:
 * elements, attributes, character data, the five predefined entities and
 * character references, comments, CDATA sections and processing
 * instructions. Nothing else: a DOCTYPE (and so any entity it could declare,
 * the "billion laughs" door) is refused, as is anything that is not
 * well-formed by XML 1.0 — a mismatched end tag, a bare "&", "<" in an
 * attribute value, a duplicate attribute.
 *
 * One deliberate extension: a file may hold several top-level elements.
 * Yealink phones export their local directory as <root_group>…</root_group>
 * followed by <root_contact>…</root_contact> with no element around the
 * two, and the phones read those files back, so a phonebook reader must too.
 *
 * References are to XML 1.0 (Fifth Edition), https://www.w3.org/TR/xml/.
 */

export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'XmlSyntaxError';
  }
}

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA, not its children's), entities decoded. */
  readonly text: string;
  /** 1-based line of the start tag, for messages. */
  readonly line: number;
}

export interface XmlFragment {
  /** The pseudo-attributes of `<?xml version="1.0" encoding="…"?>`, empty without one. */
  readonly declaration: ReadonlyMap<string, string>;
  readonly roots: readonly XmlElement[];
}

/** Nesting deeper than any phonebook needs is refused rather than followed. */
export const MAX_DEPTH = 32;

interface OpenElement {
  readonly name: string;
  readonly attributes: Map<string, string>;
  readonly children: XmlElement[];
  readonly text: string[];
  readonly line: number;
}

/** §2.2 Char: what may appear in a document at all (no C0 controls but TAB, LF, CR; no lone surrogates). */
const NOT_XML_CHAR = /[^\t\n\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** §2.3 Name, restricted to letters and digits in the Unicode sense. */
const NAME = /[\p{L}_:][\p{L}\p{N}_:.\u00B7-]*/uy;
const SPACE = /[ \t\n]+/y;
/** §4.6 predefined entities. */
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlCodePoint(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

class Reader {
  pos = 0;
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  fail(reason: string, at = this.pos): never {
    const line = this.lineOf(at);
    throw new XmlSyntaxError(reason, line, at - (this.lineStarts[line - 1] ?? 0) + 1);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  skipSpace(): boolean {
    SPACE.lastIndex = this.pos;
    if (!SPACE.test(this.text)) return false;
    this.pos = SPACE.lastIndex;
    return true;
  }

  name(what: string): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.text);
    if (m === null) this.fail(`expected ${what}`);
    this.pos = NAME.lastIndex;
    return m[0];
  }

  expect(s: string, what: string): void {
    if (!this.startsWith(s)) this.fail(`expected ${what}`);
    this.pos += s.length;
  }

  /** Moves past `end`, returning what came before it; `what` names the construct left open. */
  until(end: string, what: string): string {
    const at = this.text.indexOf(end, this.pos);
    if (at < 0) this.fail(`${what} is never closed`);
    const body = this.text.slice(this.pos, at);
    this.pos = at + end.length;
    return body;
  }

  /** Character data or an attribute value with its references decoded (§4.1, §4.6); `start` is where `raw` began, for messages. */
  decode(raw: string, start: number): string {
    let out = '';
    let i = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', i)) {
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      const ref = semi < 0 ? '' : raw.slice(amp + 1, semi);
      if (semi < 0 || ref.length === 0 || ref.length > 10) this.fail('"&" that does not start an entity or character reference (write &amp;)', start + amp);
      out += this.reference(ref, start + amp);
      i = semi + 1;
    }
    return out + raw.slice(i);
  }

  private reference(ref: string, at: number): string {
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) return predefined;
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (m === null) this.fail(`unknown entity &${ref}; (only &amp; &lt; &gt; &quot; &apos; and &#…; are defined without a DTD)`, at);
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    // §4.1 WFC Legal Character: a reference must name a Char.
    if (!isXmlCodePoint(cp)) this.fail(`&${ref}; is not a character XML allows`, at);
    return String.fromCodePoint(cp);
  }
}

function attributeValue(r: Reader): string {
  const quote = r.text[r.pos];
  if (quote !== '"' && quote !== "'") r.fail('expected a quoted attribute value');
  r.pos++;
  const start = r.pos;
  const raw = r.until(quote, 'attribute value');
  // §3.1 AttValue: "<" may not appear in an attribute value.
  const lt = raw.indexOf('<');
  if (lt >= 0) r.fail('"<" in an attribute value (write &lt;)', start + lt);
  // §3.3.3 attribute-value normalization: a literal tab or line break reads
  // as a space; a character reference (&#10;) keeps the character it names.
  return r.decode(raw.replace(/[\t\n]/g, ' '), start);
}

/** After "<": the start tag up to and including ">" or "/>". */
function startTag(r: Reader): { element: OpenElement; empty: boolean } {
  const line = r.lineOf(r.pos);
  const name = r.name('an element name after "<"');
  const attributes = new Map<string, string>();
  for (;;) {
    const spaced = r.skipSpace();
    if (r.startsWith('/>')) {
      r.pos += 2;
      return { element: { name, attributes, children: [], text: [], line }, empty: true };
    }
    if (r.startsWith('>')) {
      r.pos += 1;
      return { element: { name, attributes, children: [], text: [], line }, empty: false };
    }
    if (r.atEnd()) r.fail(`start tag <${name}> is never closed`);
    if (!spaced) r.fail(`expected white space, ">" or "/>" in <${name}>`);
    const at = r.pos;
    const attr = r.name(`an attribute name, ">" or "/>" in <${name}>`);
    r.skipSpace();
    r.expect('=', `"=" after attribute ${attr}`);
    r.skipSpace();
    const value = attributeValue(r);
    // §3.1 WFC Unique Att Spec.
    if (attributes.has(attr)) r.fail(`attribute ${attr} appears twice in <${name}>`, at);
    attributes.set(attr, value);
  }
}

function close(open: OpenElement): XmlElement {
  return { name: open.name, attributes: open.attributes, children: open.children, text: open.text.join(''), line: open.line };
}

/** §2.8: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, only at the very start. */
function declaration(r: Reader): Map<string, string> {
  const pseudo = new Map<string, string>();
  r.pos += '<?xml'.length;
  for (;;) {
    const spaced = r.skipSpace();
    if (r.startsWith('?>')) {
      r.pos += 2;
      break;
    }
    if (!spaced) r.fail('malformed XML declaration');
    const name = r.name('a pseudo-attribute in the XML declaration');
    r.skipSpace();
    r.expect('=', `"=" after ${name}`);
    r.skipSpace();
    pseudo.set(name, attributeValue(r));
  }
  if (!pseudo.has('version')) r.fail('the XML declaration has no version', 0);
  return pseudo;
}

/**
 * Parses a document or a fragment of sibling elements. Throws XmlSyntaxError
 * naming the line and column of the first fault.
 */
export function parseXmlFragment(input: string): XmlFragment {
  // §2.11: every CR LF pair and lone CR reads as LF.
  const text = (input.startsWith('\uFEFF') ? input.slice(1) : input).replace(/\r\n?/g, '\n');
  const r: Reader = new Reader(text);
  const bad = NOT_XML_CHAR.exec(text);
  if (bad !== null) r.fail(`character U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, bad.index);

  const decl = /^<\?xml[ \t\n]/.test(text) ? declaration(r) : new Map<string, string>();
  const roots: XmlElement[] = [];
  const stack: OpenElement[] = [];
  const attach = (element: XmlElement): void => {
    const parent = stack.at(-1);
    if (parent === undefined) roots.push(element);
    else parent.children.push(element);
  };

  while (!r.atEnd()) {
    const at = r.pos;
    const top = stack.at(-1);
    if (!r.startsWith('<')) {
      const lt = text.indexOf('<', at);
      const raw = text.slice(at, lt < 0 ? text.length : lt);
      r.pos = at + raw.length;
      // §2.4: "]]>" may not appear in character data.
      const cdataEnd = raw.indexOf(']]>');
      if (cdataEnd >= 0) r.fail('"]]>" outside a CDATA section', at + cdataEnd);
      const decoded = r.decode(raw, at);
      if (top !== undefined) top.text.push(decoded);
      else if (decoded.trim() !== '') r.fail('text outside any element', at + raw.search(/\S/));
      continue;
    }
    if (r.startsWith('<!--')) {
      r.pos += 4;
      // §2.5: "--" may not occur within a comment.
      const body = r.until('-->', 'comment');
      if (body.includes('--') || body.endsWith('-')) r.fail('"--" inside a comment', at);
    } else if (r.startsWith('<![CDATA[')) {
      if (top === undefined) r.fail('CDATA section outside any element');
      r.pos += 9;
      top.text.push(r.until(']]>', 'CDATA section'));
    } else if (r.startsWith('<!')) {
      r.fail('DOCTYPE and other markup declarations are not supported in a phonebook file');
    } else if (r.startsWith('<?')) {
      r.pos += 2;
      const target = r.name('a processing-instruction target');
      if (target.toLowerCase() === 'xml') r.fail('an XML declaration is allowed only at the very start of the file', at);
      r.until('?>', `processing instruction <?${target}`);
    } else if (r.startsWith('</')) {
      r.pos += 2;
      const name = r.name('an element name after "</"');
      r.skipSpace();
      r.expect('>', `">" to end </${name}`);
      // §3 WFC Element Type Match.
      if (top === undefined) r.fail(`end tag </${name}> without a start tag`, at);
      if (top.name !== name) r.fail(`end tag </${name}> does not match <${top.name}> opened on line ${top.line}`, at);
      stack.pop();
      attach(close(top));
    } else {
      r.pos += 1;
      const { element, empty } = startTag(r);
      if (empty) attach(close(element));
      else {
        if (stack.length >= MAX_DEPTH) r.fail(`elements nested deeper than ${MAX_DEPTH}`, at);
        stack.push(element);
      }
    }
  }
  const open = stack.at(-1);
  if (open !== undefined) r.fail(`<${open.name}> opened on line ${open.line} is never closed`);
  if (roots.length === 0) r.fail('no element in the file');
  return { declaration: decl, roots };
}

/** The children of `parent` named `name`, in document order. */
export function childrenNamed(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((c) => c.name === name);
}
