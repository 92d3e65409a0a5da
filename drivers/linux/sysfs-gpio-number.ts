import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BusError } from '../bus/errors.js';

/**
 * Where a BCM GPIO line sits in the kernel's global sysfs GPIO numbering.
 *
 * The sysfs interface (Documentation/ABI/obsolete/sysfs-gpio) numbers lines
 * globally: line N of a chip is `base + N`, and each chip publishes its base,
 * label and line count in /sys/class/gpio/gpiochip<base>/{base,label,ngpio}.
 * Since Linux 6.6 chips get dynamic bases from 512 upwards, so on current
 * Raspberry Pi OS kernels BCM17 is sysfs GPIO 529, not 17 (571 + 17 = 588 on a
 * Pi 5, whose header lines are on the RP1 south bridge). Hard-coding the BCM
 * number — what onoff's examples do — only works on older kernels.
 */
export const DEFAULT_SYSFS_GPIO_ROOT = '/sys/class/gpio';

/**
 * Labels of the pin controllers that own the 40-pin header, most specific
 * first: RP1 on a Pi 5, BCM2711 on a Pi 4 / 400 / CM4, BCM2835 on the Pi 1–3
 * and Zero (the 2836/2837 reuse the 2835 driver and its label).
 */
export const HEADER_PINCTRL_LABELS: readonly string[] = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

export interface GpioChipInfo {
  /** The directory name, e.g. "gpiochip512". */
  readonly name: string;
  readonly label: string;
  readonly base: number;
  readonly ngpio: number;
}

/** The chip that owns the header lines, chosen by label preference; undefined if none matches. */
export function chooseHeaderChip(
  chips: readonly GpioChipInfo[],
  labels: readonly string[] = HEADER_PINCTRL_LABELS,
): GpioChipInfo | undefined {
  for (const label of labels) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  return undefined;
}

/** The global sysfs number of line `offset` of `chip`; throws RangeError past the chip's last line. */
export function sysfsGpioNumber(chip: GpioChipInfo, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset >= chip.ngpio) {
    throw new RangeError(`${chip.label} (${chip.name}) has lines 0..${chip.ngpio - 1}; there is no line ${offset}`);
  }
  return chip.base + offset;
}

async function readTrimmed(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads every gpiochip* entry under `root`. Entries missing a file are skipped (not a chip). */
export async function readGpioChips(root: string = DEFAULT_SYSFS_GPIO_ROOT): Promise<GpioChipInfo[]> {
  const names = (await readdir(root)).filter((n) => /^gpiochip\d+$/.test(n)).sort();
  const chips: GpioChipInfo[] = [];
  for (const name of names) {
    try {
      const dir = join(root, name);
      const [base, label, ngpio] = await Promise.all([
        readTrimmed(join(dir, 'base')),
        readTrimmed(join(dir, 'label')),
        readTrimmed(join(dir, 'ngpio')),
      ]);
      chips.push({ name, label, base: Number.parseInt(base, 10), ngpio: Number.parseInt(ngpio, 10) });
    } catch {
      // Not a readable chip entry; ignore it as the kernel's own tools do.
    }
  }
  return chips;
}

/** A header line as a board names it: the BCM number and where it is on the header. */
export interface HeaderPin {
  readonly bcm: number;
  /** For messages: "header pin 11". */
  readonly header: string;
}

export function headerPinName(pin: HeaderPin): string {
  return `GPIO${pin.bcm} (${pin.header})`;
}

/**
 * The sysfs number for `pin`, or a BusError 'not-found' that names the pin and
 * what is missing, so a user on a kernel without sysfs GPIO learns why at once.
 */
export async function resolveSysfsGpio(pin: HeaderPin, root: string = DEFAULT_SYSFS_GPIO_ROOT): Promise<number> {
  const name = headerPinName(pin);
  if (!(await isDirectory(root))) {
    throw new BusError(
      'not-found',
      name,
      `${root} not present: kernel built without CONFIG_GPIO_SYSFS (or this is not a Linux board with GPIO), ` +
        `so the line cannot be exported through sysfs`,
    );
  }
  const chips = await readGpioChips(root);
  const chip = chooseHeaderChip(chips);
  if (!chip) {
    const seen = chips.length === 0 ? 'no gpiochip entries' : chips.map((c) => `${c.name} "${c.label}"`).join(', ');
    throw new BusError(
      'not-found',
      name,
      `no header GPIO controller under ${root} (looked for a chip labelled ${HEADER_PINCTRL_LABELS.join(' / ')}; found ${seen})`,
    );
  }
  try {
    return sysfsGpioNumber(chip, pin.bcm);
  } catch (e) {
    throw new BusError('not-found', name, e instanceof Error ? e.message : String(e), { cause: e });
  }
}
