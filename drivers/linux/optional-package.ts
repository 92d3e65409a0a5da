import { BusError } from '../bus/errors.js';

/**
 * The hardware packages (onoff, i2c-bus, serialport, node-hid) are
 * optionalDependencies: npm drops one whose native addon fails to build, and
 * the simulated board must still run on that machine. So they are loaded here,
 * lazily, only when a board asks for a real bus — never imported statically.
 */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** Node's own dynamic import; the specifier is a variable so TypeScript does not resolve it at build time. */
export const nodeImport: ModuleImporter = (specifier) => import(specifier);

/** The `code` of a Node system error ("ENOENT", "ERR_MODULE_NOT_FOUND"), if it has one. */
export function errnoCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    return typeof e.code === 'string' ? e.code : undefined;
  }
  return undefined;
}

/**
 * Imports `name`, or fails with a BusError 'not-found' that names the package
 * and says how to install it. `needFor` says what the package is for
 * ("GPIO through sysfs"), so the message makes sense to someone who only
 * asked for a board.
 */
export async function loadOptionalPackage(
  name: string,
  needFor: string,
  importer: ModuleImporter = nodeImport,
): Promise<unknown> {
  try {
    return await importer(name);
  } catch (e) {
    const code = errnoCode(e);
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const detail = e instanceof Error ? e.message : String(e);
    const message = missing
      ? `not installed (needed for ${needFor}). It is an optional dependency that only ` +
        `a real board needs: install it with \`npm install ${name}\` (its native addon needs python3, make and a C++ ` +
        `compiler: \`sudo apt-get install build-essential python3\`). The simulated board runs without it.`
      : `installed but failed to load (needed for ${needFor}), usually because its native ` +
        `addon was not built for this Node version: run \`npm rebuild ${name}\`. (${detail})`;
    throw new BusError('not-found', `npm package ${name}`, message, { cause: e });
  }
}

/** Reads a property of an imported module (or its CommonJS `default`), for structural checks. */
export function moduleExport(mod: unknown, key: string): unknown {
  if (typeof mod !== 'object' || mod === null) return undefined;
  const direct = (mod as Record<string, unknown>)[key];
  if (direct !== undefined) return direct;
  const fallback = (mod as Record<string, unknown>)['default'];
  if (typeof fallback === 'object' && fallback !== null) return (fallback as Record<string, unknown>)[key];
  return undefined;
}

/** The `BusError` for a package that loaded but does not have the shape this code was written against. */
export function unexpectedShape(name: string, missing: string): BusError {
  return new BusError(
    'other',
    `npm package ${name}`,
    `loaded, but it has no ${missing}: this code expects the major version named in package.json`,
  );
}
