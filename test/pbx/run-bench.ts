// Runs the PBX bench by hand: Kamailio plus optional baresip peer phones,
// until Ctrl-C. See test/pbx/README.md.
//
//   npx tsx test/pbx/run-bench.ts [--port 5070] [--realm deskphone.test]
//                                 [--peer bob] [--peer 1001:manual] …
import { parseArgs } from 'node:util';
import { startKamailio } from './kamailio.js';
import type { Kamailio } from './kamailio.js';
import { startBaresip } from '../peers/baresip.js';
import type { Baresip } from '../peers/baresip.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    realm: { type: 'string' },
    peer: { type: 'string', multiple: true },
  },
});

const port = values.port === undefined ? undefined : Number(values.port);
const peers: Baresip[] = [];
let pbx: Kamailio | undefined;

async function shutdown(): Promise<void> {
  await Promise.allSettled(peers.map((peer) => peer.stop()));
  await pbx?.stop();
}

async function main(): Promise<void> {
  pbx = await startKamailio({ udpPort: port, tcpPort: port, realm: values.realm });
  console.log(`Kamailio ${pbx.host} udp ${pbx.udpPort} tcp ${pbx.tcpPort} realm ${pbx.realm}`);
  console.log(`  log: ${pbx.workDir}/kamailio.log   kamcmd -s ${pbx.ctlSocket} ul.dump`);
  for (const spec of values.peer ?? []) {
    const [user = '', mode = 'auto'] = spec.split(':');
    const password = pbx.users.get(user);
    if (password === undefined) throw new Error(`no account "${user}" in test/pbx/users.txt`);
    if (mode !== 'auto' && mode !== 'manual' && mode !== 'early') throw new Error(`bad answer mode "${mode}"`);
    const peer = await startBaresip({ user, password, pbx, answerMode: mode });
    peers.push(peer);
    console.log(`baresip ${peer.aor} (answer ${mode}) ctrl_tcp 127.0.0.1:${peer.ctrlPort}, recordings in ${peer.recordDir}`);
  }
  console.log('Accounts:', [...pbx.users].map(([u, p]) => `${u}/${p}`).join(' '));
  console.log('Ctrl-C stops everything.');
}

process.once('SIGINT', () => void shutdown().then(() => process.exit(0)));
process.once('SIGTERM', () => void shutdown().then(() => process.exit(0)));
main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await shutdown();
  process.exit(1);
});
