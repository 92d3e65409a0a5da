/**
 * Before building or copying anything: one ssh round trip that asks the Pi
 * what the deploy needs — Node at the path the service runs, npm, password-
 * less sudo, the compiler npm ci needs to build onoff and i2c-bus there, and
 * where this OS keeps config.txt — and a pure check that turns the answers
 * into plain sentences saying what is missing and how to get it.
 */
import { BOOT_CONFIG_PATHS, KERNEL_CMDLINE_PATHS } from './boot-config.js';
import { shellQuote } from './ssh.js';

export interface NodeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export function parseNodeVersion(text: string): NodeVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/** The lower bound of package.json's engines.node (">=20.19" → 20.19.0). */
export function minimumNodeVersion(engines: string): NodeVersion {
  const m = /^\s*>=?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(engines);
  if (!m) throw new Error(`engines.node "${engines}" is not of the form ">=MAJOR.MINOR"`);
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
}

export function atLeast(v: NodeVersion, min: NodeVersion): boolean {
  if (v.major !== min.major) return v.major > min.major;
  if (v.minor !== min.minor) return v.minor > min.minor;
  return v.patch >= min.patch;
}

export const formatVersion = (v: NodeVersion): string => `${v.major}.${v.minor}.${v.patch}`;

/** Tools npm ci needs on the Pi (node-gyp builds onoff's epoll and i2c-bus there) and the deploy itself. */
export const REQUIRED_TOOLS: readonly string[] = ['make', 'g++', 'python3', 'tar', 'systemctl'];

/**
 * The probe, a POSIX shell script printing key=value lines. npm runs with
 * PATH=/usr/bin:/bin so it is the npm of the node the service runs
 * (/usr/bin/node), not one from nvm in the login shell's PATH.
 */
export function preflightScript(node: string): string {
  const firstExisting = (key: string, paths: readonly string[]): string =>
    `for f in ${paths.map(shellQuote).join(' ')}; do if [ -f "$f" ]; then echo "${key}=$f"; break; fi; done`;
  return [
    `echo "node=$(${shellQuote(node)} --version 2>/dev/null)"`,
    'echo "npm=$(PATH=/usr/bin:/bin npm --version 2>/dev/null)"',
    'if sudo -n true 2>/dev/null; then echo sudo=yes; else echo sudo=no; fi',
    firstExisting('bootconfig', BOOT_CONFIG_PATHS),
    firstExisting('cmdline', KERNEL_CMDLINE_PATHS),
    `for t in ${REQUIRED_TOOLS.join(' ')}; do command -v "$t" >/dev/null 2>&1 || echo "missing=$t"; done`,
    'echo "arch=$(uname -m)"',
  ].join('\n');
}

export interface PreflightReport {
  readonly node?: string;
  readonly npm?: string;
  readonly sudo: boolean;
  readonly bootConfig?: string;
  readonly cmdline?: string;
  readonly missingTools: readonly string[];
  readonly arch?: string;
}

export function parsePreflight(stdout: string): PreflightReport {
  const values = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const one = (key: string): string | undefined => {
    const v = values.get(key)?.[0];
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    node: one('node'),
    npm: one('npm'),
    sudo: one('sudo') === 'yes',
    bootConfig: one('bootconfig'),
    cmdline: one('cmdline'),
    missingTools: values.get('missing') ?? [],
    arch: one('arch'),
  };
}

const NODESOURCE_HINT =
  'install Node 20 from NodeSource: curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - && sudo apt-get install -y nodejs';

/** What stops a deploy to this Pi, one sentence each; empty when it can go ahead. */
export function preflightProblems(report: PreflightReport, host: string, node: string, minimum: NodeVersion): string[] {
  const problems: string[] = [];
  const need = `Node.js ${formatVersion(minimum)} or newer`;
  const version = report.node === undefined ? undefined : parseNodeVersion(report.node);
  if (version === undefined) {
    problems.push(`${host} has no Node.js at ${node} (the service runs that path; Raspberry Pi OS ships none): ${NODESOURCE_HINT}`);
  } else if (!atLeast(version, minimum)) {
    problems.push(`${host} has Node.js ${formatVersion(version)} at ${node}; deskphone needs ${need} (package.json engines): ${NODESOURCE_HINT}`);
  }
  if (version !== undefined && report.npm === undefined) {
    problems.push(`${host} has node but no npm in /usr/bin (Debian's nodejs package leaves it out): ${NODESOURCE_HINT}`);
  }
  if (!report.sudo) {
    problems.push(
      `the ssh user on ${host} cannot sudo without a password (sudo -n true failed); deploy installs a systemd unit and edits the boot config, so it needs passwordless sudo (Raspberry Pi OS's first user has it)`,
    );
  }
  const buildTools: readonly string[] = report.missingTools.filter((t) => t === 'make' || t === 'g++' || t === 'python3');
  if (buildTools.length > 0) {
    problems.push(`${host} lacks ${buildTools.join(', ')}, which npm ci needs to build onoff and i2c-bus: sudo apt-get install -y build-essential python3`);
  }
  const others = report.missingTools.filter((t) => !buildTools.includes(t));
  if (others.length > 0) problems.push(`${host} lacks ${others.join(', ')} (a systemd-based Linux with tar is needed)`);
  if (report.bootConfig === undefined) {
    problems.push(`${host} has neither ${BOOT_CONFIG_PATHS.join(' nor ')}: is this Raspberry Pi OS?`);
  }
  return problems;
}
