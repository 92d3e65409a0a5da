import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { childrenNamed, MAX_DEPTH, parseXmlFragment, XmlSyntaxError } from '../../firmware/phone/directory/xml-fragment.js';

/** The XmlSyntaxError parseXmlFragment throws for `text`. */
function syntaxError(text: string): XmlSyntaxError {
  try {
    parseXmlFragment(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
  assert.fail(`accepted: ${text}`);
}

describe('xml fragment: what it reads', () => {
  it('reads elements, attributes, text and the declaration', () => {
    const doc = parseXmlFragment('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1" y=\'two\'>\n  <b>hello</b><c/>\n</a>\n');
    assert.equal(doc.declaration.get('encoding'), 'UTF-8');
    assert.equal(doc.roots.length, 1);
    const a = doc.roots[0];
    assert.equal(a?.name, 'a');
    assert.deepEqual([...(a?.attributes ?? [])], [['x', '1'], ['y', 'two']]);
    assert.deepEqual(a?.children.map((c) => [c.name, c.text, c.line]), [['b', 'hello', 3], ['c', '', 3]]);
    assert.equal(a?.line, 2);
  });

  it('decodes the five predefined entities and decimal and hex character references (XML §4.1, §4.6)', () => {
    const doc = parseXmlFragment('<n v="&quot;&apos;&lt;">&amp;&lt;&gt;&quot;&apos; &#65;&#x42;&#x1F600;</n>');
    const n = doc.roots[0];
    assert.equal(n?.text, `&<>"' AB\u{1F600}`);
    assert.equal(n?.attributes.get('v'), `"'<`);
  });

  it('normalizes literal white space in attribute values but keeps referenced line breaks (§3.3.3)', () => {
    const n = parseXmlFragment('<n v="a\tb\nc&#10;d"/>').roots[0];
    assert.equal(n?.attributes.get('v'), 'a b c\nd');
  });

  it('reads CR LF and lone CR as LF (§2.11), so lines are counted alike', () => {
    const doc = parseXmlFragment('<a>\r\n<b>x\ry</b>\r\n</a>');
    assert.equal(doc.roots[0]?.children[0]?.line, 2);
    assert.equal(doc.roots[0]?.children[0]?.text, 'x\ny');
  });

  it('takes CDATA as text, skips comments and processing instructions, and drops a byte order mark', () => {
    const doc = parseXmlFragment('\uFEFF<!-- c --><?pi data?><a><![CDATA[<b>&amp;</b>]]><!-- inner --></a>');
    assert.equal(doc.roots[0]?.text, '<b>&amp;</b>');
    assert.deepEqual(doc.roots[0]?.children, []);
  });

  it('reads sibling top-level elements, as Yealink local contact exports are written', () => {
    const doc = parseXmlFragment('<root_group/>\n<root_contact><contact/><contact/></root_contact>');
    assert.deepEqual(doc.roots.map((r) => r.name), ['root_group', 'root_contact']);
    const list = doc.roots[1];
    assert.ok(list);
    assert.equal(childrenNamed(list, 'contact').length, 2);
  });

  it('reads non-ASCII names and text', () => {
    const doc = parseXmlFragment('<Kontakt Straße="Ölweg">Zoë</Kontakt>');
    assert.equal(doc.roots[0]?.attributes.get('Straße'), 'Ölweg');
    assert.equal(doc.roots[0]?.text, 'Zoë');
  });
});

describe('xml fragment: malformed input is refused with its line and column', () => {
  const cases: Array<[string, string, RegExp, number]> = [
    ['mismatched end tag', '<a>\n  <b></c>\n</a>', /<\/c> does not match <b> opened on line 2/, 2],
    ['unclosed element', '<a>\n<b>\n</b>', /<a> opened on line 1 is never closed/, 3],
    ['end tag without start', '<a/></b>', /without a start tag/, 1],
    ['bare ampersand', '<a>fish & chips</a>', /"&" that does not start/, 1],
    ['unknown entity', '<a>&nbsp;</a>', /unknown entity &nbsp;/, 1],
    ['reference to a character XML forbids', '<a>&#0;</a>', /not a character XML allows/, 1],
    ['reference to a surrogate', '<a>&#xD800;</a>', /not a character XML allows/, 1],
    ['"<" in an attribute value', '<a v="x<y"/>', /"<" in an attribute value/, 1],
    ['duplicate attribute', '<a v="1" v="2"/>', /attribute v appears twice/, 1],
    ['unquoted attribute value', '<a v=1/>', /expected a quoted attribute value/, 1],
    ['attributes without white space between them', '<a v="1"w="2"/>', /expected white space/, 1],
    ['DOCTYPE (entity declarations could expand without limit)', '<!DOCTYPE a [<!ENTITY x "y">]><a/>', /DOCTYPE/, 1],
    ['text outside any element', '<a/>\nstray', /text outside any element/, 2],
    ['no element at all', '  \n<!-- only a comment -->\n', /no element/, 3],
    ['declaration not at the start', '\n<?xml version="1.0"?><a/>', /only at the very start/, 2],
    ['"--" in a comment', '<a><!-- a -- b --></a>', /"--" inside a comment/, 1],
    ['unterminated comment', '<a><!-- never', /comment is never closed/, 1],
    ['unterminated CDATA', '<a><![CDATA[ never', /CDATA section is never closed/, 1],
    ['"]]>" in text', '<a>x ]]> y</a>', /"]]>" outside a CDATA section/, 1],
    ['control character', '<a>bell\u0007</a>', /U\+0007 is not allowed/, 1],
    ['unterminated start tag', '<a\n  x="1"', /never closed|expected/, 2],
    ['element name starting with a digit', '<1a/>', /expected an element name/, 1],
  ];
  for (const [what, text, reason, line] of cases) {
    it(what, () => {
      const e = syntaxError(text);
      assert.match(e.message, reason);
      assert.equal(e.line, line, e.message);
      assert.ok(e.column >= 1);
    });
  }

  it('the column points at the fault', () => {
    const e = syntaxError('<a>\n  ok &bogus; here</a>');
    assert.equal(e.line, 2);
    assert.equal(e.column, 6);
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} instead of following it`, () => {
    const deep = '<a>'.repeat(MAX_DEPTH + 1) + '</a>'.repeat(MAX_DEPTH + 1);
    assert.match(syntaxError(deep).message, /nested deeper than 32/);
    assert.doesNotThrow(() => parseXmlFragment('<a>'.repeat(MAX_DEPTH) + '</a>'.repeat(MAX_DEPTH)));
  });
});
