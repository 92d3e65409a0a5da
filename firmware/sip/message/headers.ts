/**
 * The header fields of a message, every line in received order, each with
 * its name as received and its raw (unfolded, trimmed) value. Lookups are
 * case-insensitive and treat compact forms as their long names (RFC 3261
 * §7.3.1, §7.3.3). Unknown headers are carried untouched so a message can be
 * written back with them in place.
 *
 * "Value" here means one list element for list headers (Via, Contact, Route,
 * Require ...; see header-names.ts) and the whole line otherwise.
 */
import { SipSyntaxError } from './errors.js';
import { isToken } from './grammar.js';
import { headerKey, isListHeader, splitListValue } from './header-names.js';

export interface HeaderField {
  /** The name as received or as the code that added it spelled it. */
  readonly name: string;
  readonly value: string;
}

function checkField(name: string, value: string): void {
  if (!isToken(name)) throw new SipSyntaxError('header name is not a token');
  // A CR or LF in a value would end the header early on the wire (header injection).
  if (/[\r\n]/.test(value)) throw new SipSyntaxError('header value contains CR or LF');
}

export class Headers implements Iterable<HeaderField> {
  #fields: HeaderField[] = [];

  constructor(fields: Iterable<HeaderField | readonly [string, string]> = []) {
    for (const f of fields) {
      const [name, value] = 'name' in f ? [f.name, f.value] : f;
      this.append(name, value);
    }
  }

  /** Number of header lines. */
  get size(): number {
    return this.#fields.length;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.#fields.some((f) => headerKey(f.name) === key);
  }

  /** The first value (the top Via, the first Contact, the whole To line ...). */
  get(name: string): string | undefined {
    return this.getAll(name)[0];
  }

  /** All values in order: list headers split at top-level commas, others one per line. */
  getAll(name: string): string[] {
    const lines = this.lines(name);
    return isListHeader(name) ? lines.flatMap(splitListValue) : lines;
  }

  /** The raw values of the lines with this name, never split. */
  lines(name: string): string[] {
    const key = headerKey(name);
    return this.#fields.filter((f) => headerKey(f.name) === key).map((f) => f.value);
  }

  /** Replaces every line of this name by one line, at the place of the first. */
  set(name: string, value: string): this {
    checkField(name, value);
    const key = headerKey(name);
    const first = this.#fields.findIndex((f) => headerKey(f.name) === key);
    if (first < 0) this.#fields.push({ name, value });
    else {
      this.#fields[first] = { name, value };
      this.#fields = this.#fields.filter((f, i) => i === first || headerKey(f.name) !== key);
    }
    return this;
  }

  /** Adds a line after all others. */
  append(name: string, value: string): this {
    checkField(name, value);
    this.#fields.push({ name, value });
    return this;
  }

  /**
   * Adds a line before the first line of the same name, or first of all
   * lines if there is none: how a UA or proxy puts its Via on top
   * (§8.1.1.7, §16.6), which also keeps Via first on the wire.
   */
  prepend(name: string, value: string): this {
    checkField(name, value);
    const key = headerKey(name);
    const i = this.#fields.findIndex((f) => headerKey(f.name) === key);
    this.#fields.splice(Math.max(i, 0), 0, { name, value });
    return this;
  }

  /**
   * Replaces the first value of a list header, splitting a combined line if
   * needed: e.g. the transport adding received/rport to the top Via (§18.2.1).
   */
  replaceFirst(name: string, value: string): this {
    checkField(name, value);
    const key = headerKey(name);
    const i = this.#fields.findIndex((f) => headerKey(f.name) === key);
    const field = this.#fields[i];
    if (field === undefined) return this.append(name, value);
    const rest = isListHeader(name) ? splitListValue(field.value).slice(1) : [];
    const replaced: HeaderField[] = [{ name: field.name, value }];
    if (rest.length > 0) replaced.push({ name: field.name, value: rest.join(', ') });
    this.#fields.splice(i, 1, ...replaced);
    return this;
  }

  /** Removes every line of this name; returns how many there were. */
  remove(name: string): number {
    const key = headerKey(name);
    const before = this.#fields.length;
    this.#fields = this.#fields.filter((f) => headerKey(f.name) !== key);
    return before - this.#fields.length;
  }

  /**
   * Removes the first value of a list header (a proxy popping its Via, a UAC
   * consuming a Route), keeping the rest of a combined line.
   */
  removeFirst(name: string): string | undefined {
    const key = headerKey(name);
    const i = this.#fields.findIndex((f) => headerKey(f.name) === key);
    const field = this.#fields[i];
    if (field === undefined) return undefined;
    const values = isListHeader(name) ? splitListValue(field.value) : [field.value];
    const rest = values.slice(1);
    if (rest.length > 0) this.#fields[i] = { name: field.name, value: rest.join(', ') };
    else this.#fields.splice(i, 1);
    return values[0];
  }

  clone(): Headers {
    const h = new Headers();
    h.#fields = [...this.#fields];
    return h;
  }

  [Symbol.iterator](): Iterator<HeaderField> {
    return this.#fields[Symbol.iterator]();
  }
}
