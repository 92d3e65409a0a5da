/**
 * Fills in deploy/deskphone.service. The template names its fields as
 * {{NAME}}; every field must be known and every value must be safe to put in
 * a unit file: no whitespace (ExecStart= splits on it), no quotes or
 * backslashes (unit-file escaping), no "%" (systemd specifiers, systemd.unit(5)
 * "Specifiers"), no "$" (ExecStart= variable expansion).
 */
import type { InstallLayout } from './install-layout.js';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const SAFE_VALUE = /^[^\s"'\\%$]+$/;

/** The template's fields for a layout. */
export function unitFields(layout: InstallLayout): Record<string, string> {
  const stateDirectory = layout.dataDir.startsWith('/var/lib/') ? layout.dataDir.slice('/var/lib/'.length) : undefined;
  if (stateDirectory === undefined || stateDirectory === '') {
    throw new TemplateError(`the data directory ${layout.dataDir} must be under /var/lib/ (StateDirectory= creates it there)`);
  }
  return {
    INSTALL_DIR: layout.installDir,
    USER: layout.user,
    SUPPLEMENTARY_GROUPS: layout.supplementaryGroups.join(' '),
    STATE_DIRECTORY: stateDirectory,
    DATA_DIR: layout.dataDir,
    CONFIG_FILE: layout.configFile,
    NODE: layout.node,
    BOARD: layout.board,
    CONSOLE: layout.console,
  };
}

export function renderTemplate(template: string, fields: Readonly<Record<string, string>>): string {
  for (const [name, value] of Object.entries(fields)) {
    // Groups are the one field that is a list; each entry is checked alone.
    const parts = name === 'SUPPLEMENTARY_GROUPS' ? value.split(' ') : [value];
    if (parts.some((part) => !SAFE_VALUE.test(part))) throw new TemplateError(`${name}="${value}" cannot go into a unit file as it is`);
  }
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_whole, name: string) => {
    const value = fields[name];
    if (value === undefined) throw new TemplateError(`the unit template uses {{${name}}}, which has no value`);
    return value;
  });
}

export function renderUnit(template: string, layout: InstallLayout): string {
  return renderTemplate(template, unitFields(layout));
}
