/**
 * Raspberry Pi 3/4/5 + WM8960 audio HAT + HD44780 20x4 LCD on a PCF8574 I2C
 * backpack + a 4x8 diode-less key matrix + hook switch + four LEDs.
 *
 * Pins the HAT takes and this board leaves alone: GPIO2/3 (header 3/5, I2C1,
 * shared by the HAT's codec and the LCD backpack), GPIO18/19/20/21 (header
 * 12/35/38/40, I2S), GPIO14/15 (header 8/10, UART for the serial console).
 * Row inputs need pull-ups: sysfs cannot set them, so /boot/firmware/config.txt
 * carries `gpio=5,6,13,26,17=ip,pu` (see README, "Running on a Pi").
 */
import type { BoardDescription } from '../schema.js';

export const board: BoardDescription = {
  name: 'rpi-wm8960',
  description: 'Raspberry Pi + WM8960 HAT + HD44780 20x4 (PCF8574 @0x27) + 4x8 key matrix',
  platform: 'linux',
  i2c: [{ id: 'i2c1', number: 1 }],
  // 10 ms periods: the playback clock pulls from the jitter buffer every 10 ms, so
  // playout delay moves in 10 ms steps, not 20 (BENCHMARKS.md, "pull-grid bound").
  pcm: { alsaDevice: 'plughw:CARD=wm8960soundcard,DEV=0', periodMs: 10, bufferMs: 40 },
  serialConsole: { path: '/dev/serial0', baud: 115200 },
  parts: [
    {
      id: 'keypad',
      driver: 'keypad-matrix',
      rows: [
        { gpio: 5, header: 'header pin 29', activeLow: true },
        { gpio: 6, header: 'header pin 31', activeLow: true },
        { gpio: 13, header: 'header pin 33', activeLow: true },
        { gpio: 26, header: 'header pin 37', activeLow: true },
      ],
      columns: [
        { gpio: 12, header: 'header pin 32', activeLow: true },
        { gpio: 16, header: 'header pin 36', activeLow: true },
        { gpio: 22, header: 'header pin 15', activeLow: true },
        { gpio: 23, header: 'header pin 16', activeLow: true },
        { gpio: 24, header: 'header pin 18', activeLow: true },
        { gpio: 25, header: 'header pin 22', activeLow: true },
        { gpio: 27, header: 'header pin 13', activeLow: true },
        { gpio: 4, header: 'header pin 7', activeLow: true },
      ],
      // The 4x4 dial pad is columns 0-3; the function keys share its rows.
      keymap: [
        ['1', '2', '3', 'up', 'soft1', 'hold', 'speaker', 'left'],
        ['4', '5', '6', 'down', 'soft2', 'transfer', 'headset', 'right'],
        ['7', '8', '9', 'ok', 'soft3', 'redial', 'vol_up', 'conference'],
        ['star', '0', 'pound', 'cancel', 'soft4', 'mute', 'vol_down', 'message'],
      ],
      debounceMs: 20,
      pollMs: 5,
    },
    { id: 'lcd', driver: 'hd44780-pcf8574', bus: 'i2c1', address: 0x27, columns: 20, rows: 4 },
    // The Waveshare WM8960 HAT clocks the codec from a 24 MHz crystal.
    { id: 'codec', driver: 'wm8960', bus: 'i2c1', address: 0x1a, mclkHz: 24_000_000 },
    { id: 'audio', driver: 'pcm', sampleRate: 16000, channels: 1 },
    // Hook switch closes to ground when the handset is lifted.
    { id: 'hook', driver: 'hook-switch', pin: { gpio: 17, header: 'header pin 11', activeLow: true }, debounceMs: 30 },
    {
      id: 'leds',
      driver: 'leds',
      leds: {
        message: { gpio: 7, header: 'header pin 26' },
        line: { gpio: 8, header: 'header pin 24' },
        mute: { gpio: 9, header: 'header pin 21' },
        speaker: { gpio: 10, header: 'header pin 19' },
      },
    },
    { id: 'usb-handset', driver: 'hid-handset', optional: true },
  ],
};
