/**
 * The shell scripts a deploy runs on the Pi, as pure functions of the layout
 * so tests can run the ones that need no root (the release switch, the
 * rollback, the file replacement, the module check) with a real sh in a
 * temporary folder. POSIX sh plus GNU coreutils (mv -T), as on Raspberry Pi OS.
 */
import type { InstallLayout } from './install-layout.js';
import { shellQuote } from './ssh.js';

/** `sudo sh -c '<script>'`: one ssh call runs the whole script as root. */
export function sudoSh(script: string): string {
  return `sudo sh -c ${shellQuote(script)}`;
}

/**
 * Points current at releases/<id> and previous at what current was. Each link
 * is made under a new name and renamed over the old one (mv -T is rename(2)),
 * so current always exists: a restart at any moment finds a whole release.
 * Releases neither link points at (older ones, half-deployed ones) are removed.
 */
export function switchReleaseScript(installDir: string, id: string): string {
  return [
    'set -e',
    `cd ${shellQuote(installDir)}`,
    'if [ -L current ]; then ln -sfn "$(readlink current)" previous.new && mv -T previous.new previous; fi',
    `ln -sfn ${shellQuote(`releases/${id}`)} current.new && mv -T current.new current`,
    'for d in releases/*; do',
    '  if [ "$d" != "$(readlink current)" ] && [ "$d" != "$(readlink previous 2>/dev/null || true)" ]; then rm -rf -- "$d"; fi',
    'done',
  ].join('\n');
}

/** Swaps current and previous (so running it twice rolls forward again); prints the release now current. */
export function rollbackScript(installDir: string): string {
  return [
    'set -e',
    `cd ${shellQuote(installDir)}`,
    `if [ ! -L previous ]; then echo "no previous release in ${installDir}" >&2; exit 3; fi`,
    'p="$(readlink previous)"; c="$(readlink current)"',
    'ln -sfn "$p" current.new && mv -T current.new current',
    'ln -sfn "$c" previous.new && mv -T previous.new previous',
    'echo "$p"',
  ].join('\n');
}

/**
 * Replaces `path` with stdin: written beside it, the old file kept as
 * path.deskphone-bak, then renamed into place and synced (the boot partition
 * is FAT; a power cut must not leave half a config.txt).
 */
export function replaceFileScript(path: string): string {
  const p = shellQuote(path);
  const tmp = shellQuote(`${path}.deskphone-new`);
  return `cat > ${tmp} && cp -p ${p} ${shellQuote(`${path}.deskphone-bak`)} && mv ${tmp} ${p} && sync`;
}

/**
 * Requires each package with the service's node, from the release folder,
 * and names those that fail: npm ci only warns when an optional dependency
 * (onoff, i2c-bus, serialport) fails to build.
 */
export function loadCheckScript(node: string, packages: readonly string[]): string {
  const js =
    'const bad=[];for(const p of process.argv.slice(1)){try{require(p)}catch(e){bad.push(p+": "+String(e.message).split("\\n")[0])}}' +
    'if(bad.length){console.error(bad.join("\\n"));process.exit(1)}';
  return `${shellQuote(node)} -e ${shellQuote(js)} ${packages.map(shellQuote).join(' ')}`;
}

/** The service user and its groups, and the config folder; an existing phone.cfg is never touched. */
export function accountScript(layout: InstallLayout): string {
  const user = shellQuote(layout.user);
  const configFile = shellQuote(layout.configFile);
  const configDir = shellQuote(layout.configFile.slice(0, layout.configFile.lastIndexOf('/')));
  return [
    'set -e',
    `for g in ${layout.supplementaryGroups.map(shellQuote).join(' ')}; do if ! getent group "$g" >/dev/null; then groupadd --system "$g"; fi; done`,
    `if ! id -u ${user} >/dev/null 2>&1; then useradd --system --user-group --no-create-home --home-dir ${shellQuote(layout.dataDir)} --shell /usr/sbin/nologin ${user}; fi`,
    `install -d -m 0750 -o root -g ${user} ${configDir}`,
    // An empty file runs the phone on defaults until the user writes one.
    `if [ ! -e ${configFile} ]; then install -m 0640 -o root -g ${user} /dev/null ${configFile}; fi`,
  ].join('\n');
}
