/**
 * The phone's features around the calls, through its keys and LCD: hands-free,
 * message waiting, the menus (DND, phonebook), the 3-way conference.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimHardware } from '../../boards/sim/sim-hardware.js';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import type { Phone, PhoneOptions } from '../../firmware/phone/phone.js';
import { CallHistory, Phonebook } from '../../firmware/phone/directory/index.js';
import { FakeMedia, FakeSip, flush, startSimPhone } from './phone-fakes.js';

interface Rig {
  readonly hw: SimHardware;
  readonly phone: Phone;
  readonly media: FakeMedia;
  readonly sip: FakeSip;
  readonly settings: Record<string, string>[];
}

async function start(t: { after: (fn: () => Promise<void>) => void }, extra: Omit<PhoneOptions, 'calls'> = {}): Promise<Rig> {
  const media = new FakeMedia();
  const sip = new FakeSip();
  const settings: Record<string, string>[] = [];
  const setSettings = (entries: Readonly<Record<string, string>>): Promise<void> => {
    settings.push({ ...entries });
    return Promise.resolve();
  };
  return { ...(await startSimPhone(t, { sip, media, setSettings, ...extra })), media, sip, settings };
}

async function press(rig: Rig, ...keys: Parameters<SimHardware['human']['pressKey']>[0][]): Promise<void> {
  for (const k of keys) {
    await rig.hw.human.pressKey(k);
    await flush(rig.phone);
  }
}

describe('phone features', () => {
  it('the speaker key answers hands-free (speaker LED on), and the audio comes back to the handset when the call ends', async (t) => {
    const rig = await start(t);
    const call = rig.sip.ring('Bob', '1002');
    await flush(rig.phone);
    await press(rig, 'speaker');
    assert.equal(rig.phone.status().calls[0]?.state, 'connected');
    assert.equal(rig.phone.status().audioPath, 'speaker');
    assert.equal(rig.hw.leds.get('speaker')?.showing, 'on');
    call.leg?.end('ended');
    await flush(rig.phone);
    assert.equal(rig.phone.status().audioPath, 'handset');
    assert.equal(rig.hw.leds.get('speaker')?.showing, 'off');
  });

  it('message waiting: the lamp flashes, the idle screen counts new messages, the Message key dials voicemail', async (t) => {
    const rig = await start(t, { voicemailNumber: () => '*97' });
    rig.sip.messageWaiting(1, { waiting: true, newCount: 2, oldCount: 5 });
    await flush(rig.phone);
    assert.equal(rig.hw.leds.get('message')?.showing, 'messageWaiting');
    assert.match(rig.hw.screenLines()[2] ?? '', /2 msg/);
    assert.deepEqual(rig.phone.status().voicemail, { waiting: true, newCount: 2, oldCount: 5 });
    await press(rig, 'message');
    assert.equal(rig.sip.placed[0]?.request.target, 'sip:*97@pbx.test');
    rig.sip.messageWaiting(1, { waiting: false, newCount: 0, oldCount: 7 });
    await flush(rig.phone);
    assert.equal(rig.hw.leds.get('message')?.showing, 'off');
  });

  it('an IP typed with * for . is called directly; with direct IP calls off it is refused', async (t) => {
    const rig = await start(t);
    await rig.hw.human.setHook(true);
    await press(rig, '1', '9', '2', 'star', '0', 'star', '2', 'star', '1', '0', 'ok');
    assert.equal(rig.sip.placed[0]?.request.target, 'sip:192.0.2.10');
    const off = await start(t, { directIpAllowed: () => false });
    await assert.rejects(off.phone.dial('192.0.2.10'), /direct IP calls are disabled/);
    assert.equal(off.sip.placed.length, 0);
  });

  it('the DND softkey stores features.dnd.enable in the local settings', async (t) => {
    const rig = await start(t);
    assert.match(rig.hw.screenLines()[3] ?? '', /DND/);
    await press(rig, 'soft2');
    assert.deepEqual(rig.settings, [{ 'features.dnd.enable': '1' }]);
  });

  it('Menu → Phonebook → Dial calls the contact; typing keypad digits finds it by name', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deskphone-features-'));
    const clock = new SystemClock();
    const phonebook = await Phonebook.open({ dataDir: dir, clock });
    const history = await CallHistory.open({ dataDir: dir, clock });
    // The stores write their files on dispose: the directory goes after them.
    t.after(async () => {
      await phonebook.dispose();
      await history.dispose();
      rmSync(dir, { recursive: true, force: true });
    });
    phonebook.add({ name: 'Alice', numbers: [{ label: 'office', number: '2001' }] });
    phonebook.add({ name: 'Carol', numbers: [{ label: 'mobile', number: '2002' }] });
    const rig = await start(t, { phonebook, history });
    await press(rig, 'soft4', 'down', 'down', 'ok');
    assert.equal(rig.phone.status().screen, 'phonebook');
    // 2-2-7: "car" on the keypad.
    await press(rig, '2', '2', '7');
    assert.match(rig.hw.screenLines().join('\n'), /Carol/);
    assert.doesNotMatch(rig.hw.screenLines().join('\n'), /Alice/);
    await press(rig, 'soft1');
    assert.equal(rig.sip.placed[0]?.request.target, 'sip:2002@pbx.test');
    assert.equal(rig.phone.status().calls[0]?.remoteName, 'Carol', 'the caller name comes from the phonebook');
    rig.sip.placed[0]?.answer();
    await flush(rig.phone);
    // A second call from the phonebook: New (the first is held), Down opens the phonebook, Dial.
    await press(rig, 'soft3', 'down');
    assert.equal(rig.phone.status().screen, 'phonebook');
    await press(rig, 'soft1');
    assert.equal(rig.sip.placed[1]?.request.target, 'sip:2001@pbx.test');
    assert.equal(rig.phone.status().calls[0]?.state, 'held');
    rig.phone.hangup();
    await flush(rig.phone);
    assert.equal(history.entries('dialed')[0]?.number, '2001', 'the dialed call is in the history');
  });

  it('conference: two calls joined are mixed so each hears the other two; Split holds one again', async (t) => {
    const rig = await start(t);
    await rig.phone.dial('bob');
    rig.sip.placed[0]?.answer();
    await flush(rig.phone);
    await rig.phone.dial('carol');
    rig.sip.placed[1]?.answer();
    await flush(rig.phone);
    assert.equal(rig.phone.status().screen, 'consult');
    await rig.phone.conference();
    await flush(rig.phone);
    assert.equal(rig.phone.status().screen, 'conference');
    assert.deepEqual(rig.media.mixes.at(-1), ['call-1', 'call-2']);
    assert.deepEqual(
      rig.phone.status().calls.map((c) => c.state),
      ['connected', 'connected'],
      'the held call was resumed to join',
    );
    await press(rig, 'soft2');
    assert.deepEqual(rig.media.mixes.at(-1), []);
    assert.deepEqual(rig.phone.status().calls.map((c) => c.state).sort(), ['connected', 'held']);
  });
});
