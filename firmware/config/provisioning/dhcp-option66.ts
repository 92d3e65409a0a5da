/**
 * DHCP option 66 (TFTP server name, RFC 2132 §9.4) as the Linux network
 * stack learned it: a PBX's DHCP server hands phones their provisioning
 * server this way. Raspberry Pi OS Bookworm runs NetworkManager, which lists
 * the lease's options (`nmcli -t -f DHCP4 device show`: lines like
 * `DHCP4.OPTION[7]:tftp_server_name = http://pbx/prov`); older images run
 * dhcpcd (`dhcpcd -U`: `tftp_server_name='http://pbx/prov'`). Either answer
 * is read; none means no option 66.
 */
import { execFile } from 'node:child_process';

export type CommandOutput = (command: string, args: readonly string[]) => Promise<string>;

/** The value of tftp_server_name in `nmcli -t -f DHCP4 device show` output. */
export function option66FromNmcli(output: string): string | undefined {
  for (const line of output.split('\n')) {
    const m = /^DHCP4\.OPTION\[\d+\]:\s*tftp_server_name\s*=\s*(.+?)\s*$/.exec(line);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** The value of tftp_server_name in `dhcpcd -U <interface>` output (shell-quoted). */
export function option66FromDhcpcd(output: string): string | undefined {
  for (const line of output.split('\n')) {
    const m = /^tftp_server_name=(?:'([^']*)'|"([^"]*)"|(\S+))\s*$/.exec(line.trim());
    const value = m?.[1] ?? m?.[2] ?? m?.[3];
    if (value) return value;
  }
  return undefined;
}

const runCommand: CommandOutput = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: 3000 }, (error, stdout) => (error ? reject(new Error(`${command}: ${error.message}`)) : resolve(stdout)));
  });

/** Option 66 from NetworkManager, else dhcpcd; undefined when neither knows one (or neither is installed). */
export async function readDhcpOption66(run: CommandOutput = runCommand): Promise<string | undefined> {
  try {
    const fromNm = option66FromNmcli(await run('nmcli', ['-t', '-f', 'DHCP4', 'device', 'show']));
    if (fromNm) return fromNm;
  } catch {
    // No NetworkManager: try dhcpcd.
  }
  try {
    return option66FromDhcpcd(await run('dhcpcd', ['-U']));
  } catch {
    return undefined;
  }
}
