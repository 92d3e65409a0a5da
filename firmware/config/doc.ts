/**
 * The settings reference in Markdown, rendered from the schema so the README
 * cannot drift from what the parser accepts. `npx tsx scripts/config-doc.ts`
 * prints it.
 */
import { APPLIES_MEANING, APPLIES_ORDER, INDEX_RANGES, KEY_ALIASES, SETTINGS, type SettingSpec } from './schema.js';
import { describeAllowed, describeValue } from './values.js';

/** 'account.{N}.sip_server.{M}.port' → 'account.N.sip_server.M.port', as Yealink writes account.X.sip_server.Y. */
export function docKey(pattern: string): string {
  return pattern.replace(/\{([NM])\}/g, '$1');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function olderNames(spec: SettingSpec): string {
  const names = KEY_ALIASES.filter((a) => a.setting === spec.key).map((a) => {
    const fixed = Object.entries(a.fixed).map(([symbol, n]) => `${symbol} = ${n}`);
    return `\`${docKey(a.alias)}\`${fixed.length > 0 ? ` (${fixed.join(', ')})` : ''}`;
  });
  return names.length === 0 ? '' : ` Older name: ${names.join(', ')}.`;
}

function defaultCell(spec: SettingSpec): string {
  const shown = describeValue(spec.type, spec.type.default);
  return shown === '' ? '(empty)' : `\`${shown}\``;
}

function row(spec: SettingSpec): string {
  const t = spec.type;
  const unit = t.kind === 'int' && t.unit !== undefined ? `, in ${t.unit}` : t.kind === 'string' && t.secret === true ? ' (secret: never shown)' : '';
  return `| \`${docKey(spec.key)}\` | ${cell(describeAllowed(spec.type) + unit)} | ${defaultCell(spec)} | ${spec.applies} | ${cell(spec.description + olderNames(spec))} |`;
}

export function renderConfigDoc(): string {
  const { N, M } = INDEX_RANGES;
  return [
    'Configuration files are Yealink-style `.cfg` files: `#!version:1.0.0.1` on the first line, then one',
    '`key = value` a line; a line starting with `#` is a comment. The value is the rest of the line,',
    'trimmed, without quotes. An empty value (or `%NULL%`) resets the key to its default. A key set',
    'twice in one file takes the later value. A line with an unknown key is ignored with a warning;',
    'a line with an invalid value is skipped with an error, and the rest of the file still applies.',
    'Precedence, lowest first: defaults, the `--config` file, provisioned files, changes made on the phone.',
    '',
    `\`${N.symbol}\` is the account, ${N.min}..${N.max}; \`${M.symbol}\` is the account's SIP server, ${M.min}..${M.max} (${M.max} is the fallback).`,
    '',
    '| Key | Values | Default | Applies | Description |',
    '|---|---|---|---|---|',
    ...SETTINGS.map(row),
    '',
    'Applies — what a change needs before it takes effect:',
    '',
    ...APPLIES_ORDER.map((a) => `- \`${a}\`: ${APPLIES_MEANING[a]}`),
    '',
  ].join('\n');
}
