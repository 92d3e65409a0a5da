/* global document, Node */
/**
 * Building elements without innerHTML: every piece of text goes in as a text
 * node, so a value from the phone (a display name, a log line) can never
 * become markup. The CSP forbids inline script anyway; this keeps markup out too.
 */

/** h('a', { href: '#/x', class: 'y', onclick: fn }, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A status line: kind 'ok' or 'bad'. */
export function message(kind, text) {
  return h('p', { class: `message ${kind}`, role: kind === 'bad' ? 'alert' : 'status' }, text);
}

export function replace(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

/** "3 d 4 h 05 min" */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hr = Math.floor((s % 86400) / 3600);
  const min = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d} d ${hr} h ${String(min).padStart(2, '0')} min`;
  if (hr > 0) return `${hr} h ${String(min).padStart(2, '0')} min`;
  return `${min} min ${String(sec).padStart(2, '0')} s`;
}

/** Reads a file chosen in an <input type=file> as text. */
export function readFileText(input) {
  const file = input.files && input.files[0];
  if (!file) return Promise.resolve(undefined);
  return file.text();
}
