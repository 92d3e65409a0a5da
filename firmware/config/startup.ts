/**
 * The configuration the phone starts with: defaults, then the --config file.
 * Nothing here stops the phone: a file that cannot be read, or a line that
 * does not parse, is reported (file, line, key) and the phone runs on what is
 * left — as a desk phone handed a bad provisioning file does.
 */
import { loadConfigFile } from './load.js';
import { resolveConfig, type ConfigLayer, type ResolvedConfig } from './layers.js';

export interface StartupConfig {
  readonly config: ResolvedConfig;
  /** The --config file as a layer, when it could be read. */
  readonly file?: ConfigLayer;
  /** One line each: `phone.cfg:12: …` diagnostics and cross-setting problems. */
  readonly messages: readonly string[];
}

export async function loadStartupConfig(configFile: string | undefined): Promise<StartupConfig> {
  if (configFile === undefined) return { config: resolveConfig({}), messages: [] };
  let parsed;
  try {
    parsed = await loadConfigFile(configFile);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { config: resolveConfig({}), messages: [`error: ${why}; running on defaults`] };
  }
  const config = resolveConfig({ file: parsed });
  return {
    config,
    file: parsed,
    messages: [
      ...parsed.diagnostics.map((d) => `${d.severity}: ${d.text}`),
      ...config.problems.map((p) => `warning: ${configFile}: ${p}`),
    ],
  };
}
