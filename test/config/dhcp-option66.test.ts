import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { option66FromDhcpcd, option66FromNmcli, readDhcpOption66 } from '../../firmware/config/provisioning/dhcp-option66.js';

// Shaped like `nmcli -t -f DHCP4 device show` on Raspberry Pi OS Bookworm.
const NMCLI = [
  'DHCP4.OPTION[1]:broadcast_address = 192.0.2.255',
  'DHCP4.OPTION[2]:dhcp_lease_time = 86400',
  'DHCP4.OPTION[3]:domain_name_servers = 192.0.2.1',
  'DHCP4.OPTION[4]:tftp_server_name = http://pbx.example.test/prov/',
  'DHCP4.OPTION[5]:routers = 192.0.2.1',
  '',
  'DHCP4.OPTION[1]:dhcp_lease_time = 3600',
].join('\n');

describe('DHCP option 66 (provisioning server from the network)', () => {
  it('reads tftp_server_name from NetworkManager and from dhcpcd', () => {
    assert.equal(option66FromNmcli(NMCLI), 'http://pbx.example.test/prov/');
    assert.equal(option66FromNmcli('DHCP4.OPTION[1]:routers = 192.0.2.1\n'), undefined);
    assert.equal(option66FromDhcpcd("ip_address='192.0.2.20'\ntftp_server_name='https://pbx.example.test/p'\n"), 'https://pbx.example.test/p');
    assert.equal(option66FromDhcpcd('tftp_server_name=192.0.2.5\n'), '192.0.2.5');
    assert.equal(option66FromDhcpcd("ip_address='192.0.2.20'\n"), undefined);
  });

  it('asks NetworkManager first, then dhcpcd, and answers undefined when neither runs', async () => {
    const asked: string[] = [];
    const none = await readDhcpOption66((command) => {
      asked.push(command);
      return Promise.reject(new Error(`spawn ${command} ENOENT`));
    });
    assert.equal(none, undefined);
    assert.deepEqual(asked, ['nmcli', 'dhcpcd']);
    const fromDhcpcd = await readDhcpOption66((command) =>
      command === 'nmcli' ? Promise.resolve('DHCP4.OPTION[1]:routers = 192.0.2.1\n') : Promise.resolve("tftp_server_name='http://pbx/'\n"),
    );
    assert.equal(fromDhcpcd, 'http://pbx/');
  });
});
