/**
 * Where the files are: the provisioning server as a directory URL, and the
 * two file names Yealink's Auto Provisioning Guide has a phone fetch from it,
 * "the common CFG file" then "the MAC-Oriented CFG file" — here
 * y000000000000.cfg and <mac>.cfg, the MAC in lowercase hex without
 * separators. The MAC file is downloaded second so that its settings win.
 *
 * Sources, in the guide's order of priority: DHCP option 66 (when
 * static.auto_provision.dhcp_option.enable is on and the network offers it),
 * then static.auto_provision.server.url. Credentials may come with the URL
 * (http://user:pass@host/dir/), as Yealink accepts; they are taken out of the
 * URL, so no log line, status page or cache ever shows them.
 */
export const COMMON_FILE = 'y000000000000.cfg';

export function macFileName(mac: string): string {
  return `${mac}.cfg`;
}

export interface ProvisioningServer {
  /** The directory, always ending in "/", without credentials. */
  readonly base: URL;
  readonly source: 'dhcp' | 'config';
  /** From the URL's userinfo, when it had one. */
  readonly credentials?: { readonly username: string; readonly password: string };
}

export type ServerChoice =
  | { readonly ok: true; readonly server: ProvisioningServer; readonly note?: string }
  | { readonly ok: false; readonly reason: string };

/** Parses one server URL; http and https only. */
export function parseServerUrl(text: string, source: 'dhcp' | 'config'): ServerChoice {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, reason: `${source === 'dhcp' ? 'DHCP option 66' : 'static.auto_provision.server.url'} "${text}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `${url.protocol.slice(0, -1)} is not supported: this phone provisions over http and https only` };
  }
  const credentials =
    url.username === '' ? undefined : { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return { ok: true, server: { base: url, source, ...(credentials === undefined ? {} : { credentials }) } };
}

/**
 * The server to use. DHCP option 66 wins when enabled and offered; a bare
 * host name there means TFTP to Yealink, which this phone cannot do, so it is
 * read as http://host/ — and the note says so.
 */
export function chooseServer(input: {
  readonly configured: string;
  readonly dhcpOption66: string | undefined;
  readonly useDhcp: boolean;
}): ServerChoice | undefined {
  const offered = input.useDhcp ? input.dhcpOption66?.trim() : undefined;
  if (offered !== undefined && offered !== '') {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(offered)) return parseServerUrl(offered, 'dhcp');
    const choice = parseServerUrl(`http://${offered}`, 'dhcp');
    return choice.ok ? { ...choice, note: `DHCP option 66 "${offered}" has no scheme; using ${choice.server.base.href}` } : choice;
  }
  if (input.configured.trim() === '') return undefined;
  return parseServerUrl(input.configured, 'config');
}

/** The URL of a file in the server's directory. */
export function fileUrl(server: ProvisioningServer, name: string): URL {
  return new URL(encodeURIComponent(name), server.base);
}
