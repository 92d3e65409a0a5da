/**
 * The text of a layout row: literal text with `{field}` placeholders, and
 * `[…]` around a part shown only when every field in it has a value
 * ("[{missed} missed]" vanishes with no missed calls). Groups do not nest;
 * there is no escape, so literal text holds no braces or brackets.
 */

export type TemplatePart =
  | { readonly text: string }
  | { readonly field: string }
  | { readonly optional: readonly TemplatePart[] };

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;

/** Splits a template into parts; throws TemplateError on a malformed one. */
export function parseTemplate(template: string): readonly TemplatePart[] {
  const top: TemplatePart[] = [];
  let group: TemplatePart[] | undefined;
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    const into = group ?? top;
    if (ch === '{') {
      const end = template.indexOf('}', i);
      const name = end < 0 ? '' : template.slice(i + 1, end);
      if (!FIELD_NAME.test(name)) throw new TemplateError(`"${template}": bad field at ${i}`);
      into.push({ field: name });
      i = end + 1;
    } else if (ch === '[') {
      if (group) throw new TemplateError(`"${template}": "[" inside a group at ${i}`);
      group = [];
      i += 1;
    } else if (ch === ']') {
      if (!group) throw new TemplateError(`"${template}": "]" without "[" at ${i}`);
      top.push({ optional: group });
      group = undefined;
      i += 1;
    } else if (ch === '}') {
      throw new TemplateError(`"${template}": "}" without "{" at ${i}`);
    } else {
      const next = template.slice(i).search(/[{}[\]]/);
      const text = next < 0 ? template.slice(i) : template.slice(i, i + next);
      into.push({ text });
      i += text.length;
    }
  }
  if (group) throw new TemplateError(`"${template}": "[" never closed`);
  return top;
}

/** Every field a template names, groups included. */
export function templateFields(parts: readonly TemplatePart[]): string[] {
  return parts.flatMap((p) => ('field' in p ? [p.field] : 'optional' in p ? templateFields(p.optional) : []));
}

/** Every literal piece of a template, groups included. */
export function templateTexts(parts: readonly TemplatePart[]): string[] {
  return parts.flatMap((p) => ('text' in p ? [p.text] : 'optional' in p ? templateTexts(p.optional) : []));
}

/** The template with its fields filled; a missing field reads as ''. */
export function fillTemplate(parts: readonly TemplatePart[], fields: Readonly<Record<string, string>>): string {
  return parts
    .map((p) => {
      if ('text' in p) return p.text;
      if ('field' in p) return fields[p.field] ?? '';
      const filled = templateFields(p.optional).every((f) => (fields[f] ?? '') !== '');
      return filled ? fillTemplate(p.optional, fields) : '';
    })
    .join('');
}

const parsed = new Map<string, readonly TemplatePart[]>();

/** parseTemplate, remembered: layouts are constant, so each is parsed once. */
export function compiledTemplate(template: string): readonly TemplatePart[] {
  let parts = parsed.get(template);
  if (!parts) {
    parts = parseTemplate(template);
    parsed.set(template, parts);
  }
  return parts;
}
