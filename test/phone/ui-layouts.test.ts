import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LAYOUTS, layoutProblems, validateLayouts, LayoutError, type LayoutTable } from '../../firmware/phone/ui/layouts.js';
import { fillTemplate, parseTemplate, TemplateError } from '../../firmware/phone/ui/template.js';

/** LAYOUTS with one screen's rows at one geometry replaced. */
function withRows(kind: keyof LayoutTable, geometry: '20x4' | '16x2', rows: LayoutTable['idle']['20x4']): LayoutTable {
  return { ...LAYOUTS, [kind]: { ...LAYOUTS[kind], [geometry]: rows } };
}

describe('layout table', () => {
  it('the shipped layouts have no problems (the module also checks this when it loads)', () => {
    assert.deepEqual(layoutProblems(LAYOUTS), []);
    assert.doesNotThrow(() => validateLayouts(LAYOUTS));
  });

  it('an unknown field is named with the screen, geometry and row', () => {
    const broken = withRows('connected', '16x2', [{ left: '{remote}', right: '{timer}' }, { text: '{codek}' }]);
    assert.throws(() => validateLayouts(broken), (e: unknown) => {
      assert.ok(e instanceof LayoutError);
      assert.match(e.message, /connected 16x2 row 1: unknown field \{codek\}/);
      assert.match(e.message, /known: remote, remoteNumber, timer, codec, hd, muted, secure/);
      return true;
    });
  });

  it('list entries may use only the entry fields, and only on list screens', () => {
    const menuRow = { list: { left: '{label}', right: '{when}' }, empty: '' };
    assert.deepEqual(layoutProblems(withRows('menu', '16x2', [{ text: '{title}' }, menuRow])), [
      'menu 16x2 row 1: unknown field {when} (known: label, value)',
    ]);
    const problems = layoutProblems(withRows('held', '16x2', [{ text: '{remote}' }, { list: { left: '{label}', right: '' }, empty: '' }]));
    assert.ok(problems.includes('held 16x2 row 1: a list row on a screen without a list'), problems.join('\n'));
    assert.deepEqual(layoutProblems(withRows('history', '16x2', [{ text: '{title}' }, { text: '{position}' }])), [
      'history 16x2: a list screen with no list row',
    ]);
  });

  it('rows must match the display: count, softkeys last, list rows together', () => {
    assert.deepEqual(layoutProblems(withRows('calling', '20x4', [{ softkeys: true }, { text: '{remote}' }])), [
      'calling 20x4: 2 rows, the display has 4',
      'calling 20x4: the softkey row must be the last',
    ]);
    const item = { list: { left: '{label}', right: '' }, empty: '' };
    assert.deepEqual(layoutProblems(withRows('menu', '20x4', [item, { text: '{title}' }, item, { softkeys: true }])), [
      'menu 20x4: list rows must be together',
    ]);
  });

  it('literal text must be ASCII the LCD ROM draws; templates must be well formed', () => {
    assert.deepEqual(layoutProblems(withRows('dnd-setting', '16x2', [{ text: 'Ne pas déranger' }, { text: '{state} ~' }])), [
      'dnd-setting 16x2 row 0: "Ne pas déranger" is not plain ASCII the LCD ROM draws',
      'dnd-setting 16x2 row 1: " ~" is not plain ASCII the LCD ROM draws',
    ]);
    const problems = layoutProblems(withRows('dnd-setting', '16x2', [{ text: '[{state}' }, { left: '{state}}', right: '' }]));
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0] ?? '', /row 0: .*"\[" never closed/);
    assert.match(problems[1] ?? '', /row 1: .*"\}" without "\{"/);
  });

  it('a missing layout is reported', () => {
    const { idle: _idle, ...rest } = LAYOUTS;
    assert.deepEqual(layoutProblems(rest as unknown as LayoutTable).slice(0, 2), ['idle 20x4: no layout', 'idle 16x2: no layout']);
  });
});

describe('row templates', () => {
  it('fill fields and show an optional group only when all its fields have values', () => {
    const parts = parseTemplate('{codec}[ {hd}][ ({muted}, {secure})]');
    assert.equal(fillTemplate(parts, { codec: 'G722', hd: 'HD', muted: 'Muted', secure: '' }), 'G722 HD');
    assert.equal(fillTemplate(parts, { codec: 'G722', hd: '', muted: 'Muted', secure: 'Secure' }), 'G722 (Muted, Secure)');
  });

  it('reject nesting, stray brackets and bad field names', () => {
    for (const bad of ['[[{a}]]', 'a]', '{a', '{}', '{1a}', 'x}']) {
      assert.throws(() => parseTemplate(bad), TemplateError, bad);
    }
  });
});
