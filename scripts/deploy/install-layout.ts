/**
 * Where a deploy puts things on the Pi, and the service's command line, in
 * one place: the unit template, the deploy steps and the README all read it.
 *
 *   /opt/deskphone/releases/<version>-<UTC time>/   one unpacked release each
 *   /opt/deskphone/current  -> releases/…           what the service runs
 *   /opt/deskphone/previous -> releases/…           the release before it (rollback)
 *   /etc/deskphone/phone.cfg                        the configuration (never overwritten)
 *   /var/lib/deskphone/                             the phone's own data (StateDirectory=)
 */
import type { BoardDescription } from '../../boards/schema.js';

export interface InstallLayout {
  readonly installDir: string;
  readonly user: string;
  readonly supplementaryGroups: readonly string[];
  readonly configFile: string;
  readonly dataDir: string;
  /** The node binary the service runs, and against which npm ci builds the native modules. */
  readonly node: string;
  readonly unitName: string;
  readonly unitPath: string;
  readonly modulesLoadPath: string;
  readonly board: string;
  /** The --console argument. */
  readonly console: string;
}

/** The --console spec for a board: its UART when it has one wired, else none. */
export function consoleSpecFor(board: BoardDescription): string {
  return board.serialConsole ? `serial:${board.serialConsole.path}` : 'none';
}

export function installLayout(board: BoardDescription): InstallLayout {
  return {
    installDir: '/opt/deskphone',
    user: 'deskphone',
    // gpio: /sys/class/gpio; i2c: /dev/i2c-*; audio: /dev/snd; dialout: the UART.
    supplementaryGroups: ['gpio', 'i2c', 'audio', 'dialout'],
    configFile: '/etc/deskphone/phone.cfg',
    dataDir: '/var/lib/deskphone',
    node: '/usr/bin/node',
    unitName: 'deskphone.service',
    unitPath: '/etc/systemd/system/deskphone.service',
    modulesLoadPath: '/etc/modules-load.d/deskphone.conf',
    board: board.name,
    console: consoleSpecFor(board),
  };
}

/** A release directory's name: the version and when it was deployed, sortable. */
export function releaseId(version: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${version}-${stamp}`;
}
