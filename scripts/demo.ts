/**
 * `npm run demo`: a PBX with three phones on this machine, to try the phone
 * by hand. Kamailio (test/pbx) with accounts alice, bob and carol; two
 * baresip soft phones as bob and carol that answer by themselves and play a
 * tone (bob 440 Hz, carol 660 Hz); and this phone, registered as alice, in
 * the terminal front panel (or on a TCP console with --console tcp:…).
 *
 * bob and carol are in the phone's phonebook (Menu → Phonebook → Dial); the
 * README ("Hands-on demo") walks through a call, a hold, a consultation and
 * a transfer. Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKamailio } from '../test/pbx/kamailio.js';
import { startBaresip, type Baresip } from '../test/peers/baresip.js';
import { accountsCfg } from '../test/helpers/phone-under-test.js';
import { Phonebook } from '../firmware/phone/directory/index.js';
import { SystemClock } from '../drivers/bus/system-clock.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function say(line: string): void {
  process.stderr.write(`demo: ${line}\n`);
}

async function main(): Promise<void> {
  const extraArgs = process.argv.slice(2);
  say('starting Kamailio (accounts alice, bob, carol) …');
  const pbx = await startKamailio();
  const peers: Baresip[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'deskphone-demo-'));
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const p of peers) await p.stop().catch(() => undefined);
    await pbx.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [user, toneHz] of [
      ['bob', 440],
      ['carol', 660],
    ] as const) {
      const password = pbx.users.get(user);
      if (password === undefined) throw new Error(`no account ${user} in test/pbx/users.txt`);
      say(`starting baresip as ${user} (answers at once, plays ${toneHz} Hz) …`);
      peers.push(await startBaresip({ user, password, pbx, codecs: ['PCMU'], source: { toneHz, seconds: 600 } }));
    }
    const cfg = path.join(dir, 'alice.cfg');
    writeFileSync(
      cfg,
      accountsCfg([{ user: 'alice', password: pbx.users.get('alice') ?? '', server: pbx.host, port: pbx.udpPort, label: 'Alice' }]),
    );
    // bob and carol have names, not numbers: the phonebook lets the keypad dial them (Menu → Phonebook → Dial).
    const phonebook = await Phonebook.open({ dataDir: dir, clock: new SystemClock() });
    for (const name of ['Bob', 'Carol']) phonebook.add({ name, numbers: [{ label: 'office', number: name.toLowerCase() }] });
    await phonebook.dispose();
    say(`PBX on ${pbx.host}:${pbx.udpPort} (realm ${pbx.realm}); the phone is alice. Heard audio goes to ${path.join(dir, 'heard.wav')}.`);
    say('on the console (or the front panel): dial bob · hold · dial carol · transfer · conference · hangup');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'firmware', 'main.ts'),
        '--config',
        cfg,
        '--data-dir',
        dir,
        '--sip-address',
        pbx.host,
        '--audio-in',
        'tone:880',
        '--audio-out',
        path.join(dir, 'heard.wav'),
        ...extraArgs,
      ],
      { cwd: REPO_ROOT, stdio: 'inherit' },
    );
    const onSignal = (): void => {
      child.kill('SIGTERM');
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    await stop();
    process.exit(code ?? 0);
  } catch (e) {
    await stop();
    throw e;
  }
}

main().catch((e: unknown) => {
  say(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
