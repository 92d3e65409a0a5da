import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSerialPair } from '../../drivers/emulated/serial-pair.js';
import { startConsole } from '../../firmware/console/console-server.js';
import { createSimHardware } from '../../boards/sim/sim-hardware.js';
import { findBoard } from '../../boards/index.js';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import { clockDelay } from '../../drivers/bus/clock.js';
import { Phone } from '../../firmware/phone/phone.js';
import { phoneConsoleTarget } from '../../firmware/phone/console-target.js';

describe('console over a UART', () => {
  it('drives the simulated phone from a serial terminal that sends CR and reads CRLF', async (t) => {
    const board = findBoard('sim');
    assert.ok(board);
    const clock = new SystemClock();
    const hw = await createSimHardware(board.description, clock, clockDelay(clock));
    const phone = new Phone(hw);
    t.after(async () => {
      await phone.dispose();
      await hw.dispose();
    });
    await phone.start();

    // 7-byte reads, as a UART driver may hand them over.
    const pair = createSerialPair({ maxChunk: 7 });
    let quitAsked = false;
    const running = await startConsole(
      { kind: 'serial', path: '/dev/ttyEMU0', baud: 115200 },
      {
        target: phoneConsoleTarget(phone, hw, () => Promise.resolve()),
        onQuit: () => (quitAsked = true),
        openSerial: () => Promise.resolve(pair.a),
      },
    );
    t.after(() => running.close());

    let received = '';
    pair.b.onData((d) => (received += new TextDecoder().decode(d)));
    const send = (text: string): Promise<void> => pair.b.write(new TextEncoder().encode(text));
    const answered = async (count: number): Promise<string[]> => {
      for (let i = 0; i < 200; i++) {
        const lines = received.split('\r\n');
        if (lines.filter((l) => l === 'OK' || l.startsWith('ERR')).length >= count) return lines;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.fail(`no ${count} answers; got ${JSON.stringify(received)}`);
    };

    await send('hook off\r');
    await send('keys 9');
    await send('87\r\n');
    await send('lcd\r');
    await send('quit\r');
    const lines = await answered(4);
    assert.deepEqual(lines.slice(0, 7), ['OK', 'OK', 'Dial:               ', '987                 ', '                    ', 'Send Del       Exit ', 'OK']);
    assert.equal(lines[7], 'OK');
    assert.ok(quitAsked);
    assert.equal(received.replace(/\r\n/g, '').includes('\n'), false, 'every line ends in CRLF');
  });
});
