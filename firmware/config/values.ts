/**
 * Raw .cfg text ⇄ typed value, for each kind of setting in the schema.
 *
 * A value is the text after "=" to the end of the line, trimmed. Yealink
 * files carry no quoting and no trailing comments ("The line beginning with
 * '#' is considered to be a comment" — only a whole line), so `"5060"` and
 * `5060 # udp` are not integers; the error says why, since both are common
 * mistakes in hand-written files.
 */
import type { ConfigValue, EnumType, SettingType } from './schema.js';

export type ValueCheck =
  | { readonly ok: true; readonly value: ConfigValue; readonly warning?: string }
  | { readonly ok: false; readonly reason: string };

// Control characters cannot be written back to a line-based file.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function enumList(type: EnumType): string {
  return type.choices.map((c) => `${c.code} (${c.label})`).join(', ');
}

/** "must be …" for an error, and the Values column of the docs. */
export function describeAllowed(type: SettingType): string {
  switch (type.kind) {
    case 'int':
      return `an integer ${type.min}..${type.max}`;
    case 'bool':
      return '0 or 1';
    case 'enum':
      return `one of ${enumList(type)}`;
    case 'string':
      return type.format?.description ?? 'any text on one line';
  }
}

function checkBare(type: SettingType, raw: string): ValueCheck {
  switch (type.kind) {
    case 'int': {
      if (!/^-?\d{1,16}$/.test(raw)) break;
      const n = Number(raw);
      if (n < type.min || n > type.max) break;
      return { ok: true, value: n };
    }
    case 'bool':
      if (raw === '0') return { ok: true, value: false };
      if (raw === '1') return { ok: true, value: true };
      break;
    case 'enum': {
      const found = /^\d{1,3}$/.test(raw) ? type.choices.find((c) => c.code === Number(raw)) : undefined;
      if (found === undefined) break;
      return { ok: true, value: found.code };
    }
    case 'string': {
      if (CONTROL.test(raw)) return { ok: false, reason: 'must not contain control characters' };
      if (type.format !== undefined && !type.format.test(raw)) break;
      return { ok: true, value: raw };
    }
  }
  return { ok: false, reason: `must be ${describeAllowed(type)}` };
}

function unquoted(raw: string): string | undefined {
  const m = /^"(.*)"$/.exec(raw) ?? /^'(.*)'$/.exec(raw);
  return m?.[1];
}

function beforeComment(raw: string): string | undefined {
  const m = /^(.*?)\s+[#;]/.exec(raw);
  return m?.[1];
}

/**
 * Validates a non-empty, trimmed raw value. (An empty value is not a value:
 * cfg-parser reads it as "reset to the default".)
 */
export function parseValue(type: SettingType, raw: string): ValueCheck {
  const checked = checkBare(type, raw);
  const inner = unquoted(raw);
  const head = beforeComment(raw);
  if (!checked.ok) {
    if (inner !== undefined && checkBare(type, inner).ok) {
      return { ok: false, reason: `${checked.reason} (write the value without quotes)` };
    }
    if (head !== undefined && head !== '' && checkBare(type, head).ok) {
      return { ok: false, reason: `${checked.reason} (a comment must be on a line of its own)` };
    }
    return checked;
  }
  if (type.kind === 'string') {
    if (inner !== undefined) {
      return { ...checked, warning: 'the quotes are part of the value (.cfg values are written without quotes)' };
    }
    if (head !== undefined) {
      return { ...checked, warning: 'the "#" or ";" and what follows are part of the value (comments take a line of their own)' };
    }
  }
  return checked;
}

/** The .cfg text of a value: 0/1 for booleans, the code for an enum. */
export function formatValue(type: SettingType, value: ConfigValue): string {
  switch (type.kind) {
    case 'bool':
      return value === true ? '1' : '0';
    case 'int':
    case 'enum':
    case 'string':
      return String(value);
  }
}

/** Whether a value has the JavaScript type the setting's kind holds (guards values built by code). */
export function valueFitsType(type: SettingType, value: ConfigValue): boolean {
  switch (type.kind) {
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'int':
    case 'enum':
      return typeof value === 'number';
  }
}

/** The default as it would be written in a file, for the docs. */
export function describeValue(type: SettingType, value: ConfigValue): string {
  if (type.kind === 'enum') {
    const c = type.choices.find((x) => x.code === value);
    return c === undefined ? String(value) : `${c.code} (${c.label})`;
  }
  return formatValue(type, value);
}
