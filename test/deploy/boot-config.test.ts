import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findBoard } from '../../boards/index.js';
import type { BoardDescription, PartDescription } from '../../boards/schema.js';
import {
  BLOCK_BEGIN,
  BLOCK_END,
  BlockError,
  CONFIG_TXT_MAX_LINE,
  bootConfigBlock,
  gpioPullLines,
  modulesLoadLines,
  replaceMarkedBlock,
  withoutSerialConsole,
} from '../../scripts/deploy/boot-config.js';

function rpi(): BoardDescription {
  const known = findBoard('rpi-wm8960');
  assert.ok(known);
  return known.description;
}

function withParts(board: BoardDescription, map: (p: PartDescription) => PartDescription): BoardDescription {
  return { ...board, parts: board.parts.map(map) };
}

/** A shortened Raspberry Pi OS Bookworm config.txt: ends inside a model filter, as the stock one does. */
const STOCK = ['# For more options and information see', 'dtparam=audio=on', 'camera_auto_detect=1', '', '[cm4]', 'otg_mode=1', '', '[all]', ''].join('\n');

const BLOCK = [BLOCK_BEGIN, 'dtparam=i2c_arm=on', BLOCK_END];
const BLOCK2 = [BLOCK_BEGIN, 'dtparam=i2c_arm=on', 'enable_uart=1', BLOCK_END];

describe('config.txt pulls derived from the board file', () => {
  it('pulls up the key-matrix rows and the hook switch of rpi-wm8960', () => {
    assert.deepEqual(gpioPullLines(rpi()), ['gpio=5,6,13,26,17=ip,pu']);
  });

  it('follows the board when a pin moves', () => {
    const moved = withParts(rpi(), (p) => (p.driver === 'hook-switch' ? { ...p, pin: { gpio: 27, header: 'header pin 13', activeLow: true } } : p));
    assert.deepEqual(gpioPullLines(moved), ['gpio=5,6,13,26,27=ip,pu']);
  });

  it('pulls an active-high input down, on a line of its own', () => {
    const activeHigh = withParts(rpi(), (p) => (p.driver === 'hook-switch' ? { ...p, pin: { gpio: 17, header: 'header pin 11' } } : p));
    assert.deepEqual(gpioPullLines(activeHigh), ['gpio=5,6,13,26=ip,pu', 'gpio=17=ip,pd']);
  });

  it('puts what the board needs in the block, under [all], within the firmware line limit', () => {
    const block = bootConfigBlock(rpi());
    assert.equal(block[0], BLOCK_BEGIN);
    assert.equal(block.at(-1), BLOCK_END);
    const settings = block.filter((l) => !l.startsWith('#'));
    assert.deepEqual(settings, ['[all]', 'dtparam=i2c_arm=on', 'dtoverlay=wm8960-soundcard', 'enable_uart=1', 'gpio=5,6,13,26,17=ip,pu']);
    for (const line of block) assert.ok(line.length <= CONFIG_TXT_MAX_LINE, line);
  });

  it('leaves out what a board does not use', () => {
    const bare: BoardDescription = { ...rpi(), serialConsole: undefined, parts: rpi().parts.filter((p) => p.driver !== 'wm8960') };
    const settings = bootConfigBlock(bare).filter((l) => !l.startsWith('#'));
    assert.ok(!settings.includes('enable_uart=1'));
    assert.ok(!settings.some((l) => l.startsWith('dtoverlay=')));
    assert.deepEqual(modulesLoadLines({ ...bare, i2c: [] }), []);
    assert.ok(modulesLoadLines(rpi()).includes('i2c-dev'));
  });
});

describe('the marked block in config.txt', () => {
  it('is appended to a file without one, the rest untouched', () => {
    const { text, changed } = replaceMarkedBlock(STOCK, BLOCK);
    assert.equal(changed, true);
    assert.equal(text, `${STOCK}${BLOCK.join('\n')}\n`);
    assert.ok(text.startsWith(STOCK));
  });

  it('gets a newline before it when the file lacks a trailing one', () => {
    const { text } = replaceMarkedBlock('dtparam=audio=on', BLOCK);
    assert.equal(text, `dtparam=audio=on\n${BLOCK.join('\n')}\n`);
  });

  it('makes up a whole empty file', () => {
    assert.deepEqual(replaceMarkedBlock('', BLOCK), { text: `${BLOCK.join('\n')}\n`, changed: true });
  });

  it('is left alone when already there: a second deploy changes nothing', () => {
    const once = replaceMarkedBlock(STOCK, BLOCK).text;
    assert.deepEqual(replaceMarkedBlock(once, BLOCK), { text: once, changed: false });
  });

  it('is replaced in place, with the lines before and after it kept', () => {
    const before = 'dtparam=audio=on\n';
    const after = '# a line the user added later\ndtoverlay=vc4-kms-v3d\n';
    const old = `${before}${BLOCK.join('\n')}\n${after}`;
    const { text, changed } = replaceMarkedBlock(old, BLOCK2);
    assert.equal(changed, true);
    assert.equal(text, `${before}${BLOCK2.join('\n')}\n${after}`);
  });

  it('keeps a file without a trailing newline that way when replacing', () => {
    const old = `dtparam=audio=on\n${BLOCK.join('\n')}`;
    assert.equal(replaceMarkedBlock(old, BLOCK2).text, `dtparam=audio=on\n${BLOCK2.join('\n')}`);
  });

  it('keeps CRLF line endings of a file edited on Windows', () => {
    const old = 'dtparam=audio=on\r\n[all]\r\n';
    const { text } = replaceMarkedBlock(old, BLOCK);
    assert.equal(text, `${old}${BLOCK.join('\r\n')}\r\n`);
    assert.equal(replaceMarkedBlock(text, BLOCK).changed, false);
  });

  it('refuses a begin marker without an end, rather than guess', () => {
    assert.throws(() => replaceMarkedBlock(`${BLOCK_BEGIN}\ndtparam=i2c_arm=on\n`, BLOCK), BlockError);
    assert.throws(() => replaceMarkedBlock(`${BLOCK_END}\n`, BLOCK), /has no "# deskphone begin"/);
    assert.throws(() => replaceMarkedBlock(`${BLOCK.join('\n')}\n${BLOCK.join('\n')}\n`, BLOCK), /appears 2 times/);
  });
});

describe('the kernel command line', () => {
  it('loses the serial console and keeps everything else', () => {
    const stock = 'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait quiet\n';
    const { text, changed } = withoutSerialConsole(stock);
    assert.equal(changed, true);
    assert.equal(text, 'console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait quiet\n');
    assert.deepEqual(withoutSerialConsole(text), { text, changed: false });
  });

  it('also drops the UART devices by name, and copes with no trailing newline', () => {
    assert.equal(withoutSerialConsole('console=ttyAMA0,115200 console=ttyS0 rootwait').text, 'rootwait');
  });
});
