/**
 * The phone's menus (Menu softkey on the idle screen): call history,
 * phonebook, do-not-disturb, call forward, ring tone, ring volume, network
 * and account status. A small state machine of pages; each page is a
 * ScreenView for the layouts (ui/) and answers the keys and softkey actions
 * of its screen. Settings changed here go to the configuration's local
 * layer, as a change in the web UI does, so they survive a restart.
 */
import type { CallDirection, CallHistoryEntry } from './directory/index.js';
import type { AccountStatus } from './phone-sip.js';
import type { SoftkeyAction } from './ui/softkeys.js';
import type { AccountState, ForwardMode, ScreenView } from './ui/views.js';

export interface MenuHost {
  history(direction?: CallDirection): readonly CallHistoryEntry[];
  markMissedSeen(): void;
  contacts(search: string): readonly { readonly name: string; readonly number: string }[];
  dnd(): boolean;
  forward(): { readonly mode: ForwardMode; readonly target: string };
  /** Stores settings in the local layer (key → .cfg value). */
  setSettings(entries: Readonly<Record<string, string>>): Promise<void>;
  ringTones(): readonly string[];
  ringTone(): string;
  /** Plays a ring tone briefly, as a preview; undefined stops it. */
  previewRingTone(name: string | undefined): void;
  ringVolume(): { readonly level: number; readonly max: number };
  network(): { readonly firmware: string; readonly dhcp: boolean | undefined; readonly address: string; readonly gateway: string };
  accounts(): readonly AccountStatus[];
  dial(number: string): void;
  now(): Date;
}

type Page =
  | { readonly kind: 'menu'; cursor: number }
  | { readonly kind: 'history'; readonly direction: CallDirection | undefined; cursor: number }
  | { readonly kind: 'phonebook'; search: string; cursor: number }
  | { readonly kind: 'dnd-setting'; on: boolean }
  | { readonly kind: 'forward-setting'; mode: ForwardMode; target: string; editing: 'mode' | 'target' }
  | { readonly kind: 'ring-tone-setting'; cursor: number }
  | { readonly kind: 'volume-setting'; level: number }
  | { readonly kind: 'network-info' }
  | { readonly kind: 'account-status'; cursor: number };

const ROOT_ITEMS = ['History', 'Missed calls', 'Phonebook', 'Do not disturb', 'Call forward', 'Ring tone', 'Ring volume', 'Status', 'Accounts'] as const;

const FORWARD_MODES: readonly ForwardMode[] = ['off', 'always', 'busy', 'no-answer'];

/** The keys of the three forwarding rules, in the order of FORWARD_MODES (without 'off'). */
const FORWARD_KEYS: Readonly<Record<Exclude<ForwardMode, 'off'>, string>> = {
  always: 'forward.always',
  busy: 'forward.busy',
  'no-answer': 'forward.no_answer',
};

function accountState(a: AccountStatus): AccountState {
  if (a.registered) return 'registered';
  if (a.state === 'failed') return 'failed';
  if (a.state === 'idle' || a.state === 'stopped') return 'none';
  return 'registering';
}

/** Pages are entered from the root menu and left with Back; Back on the root closes the menus. */
export class Menus {
  private readonly stack: Page[] = [];

  constructor(private readonly host: MenuHost) {}

  get open(): boolean {
    return this.stack.length > 0;
  }

  /** Opens the root menu, or a page of it straight away (Hist and Fwd on the idle screen, Down while dialing). */
  openAt(page?: 'history' | 'phonebook' | 'forward'): void {
    this.stack.length = 0;
    this.stack.push({ kind: 'menu', cursor: 0 });
    if (page !== undefined) this.enter(ROOT_ITEMS.indexOf(page === 'history' ? 'History' : page === 'phonebook' ? 'Phonebook' : 'Call forward'));
  }

  close(): void {
    this.host.previewRingTone(undefined);
    this.stack.length = 0;
  }

  private get page(): Page | undefined {
    return this.stack.at(-1);
  }

  private enter(item: number): void {
    switch (ROOT_ITEMS[item]) {
      case 'History':
        this.stack.push({ kind: 'history', direction: undefined, cursor: 0 });
        return;
      case 'Missed calls':
        this.host.markMissedSeen();
        this.stack.push({ kind: 'history', direction: 'missed', cursor: 0 });
        return;
      case 'Phonebook':
        this.stack.push({ kind: 'phonebook', search: '', cursor: 0 });
        return;
      case 'Do not disturb':
        this.stack.push({ kind: 'dnd-setting', on: this.host.dnd() });
        return;
      case 'Call forward': {
        const f = this.host.forward();
        this.stack.push({ kind: 'forward-setting', mode: f.mode, target: f.target, editing: 'mode' });
        return;
      }
      case 'Ring tone': {
        const tones = this.host.ringTones();
        this.stack.push({ kind: 'ring-tone-setting', cursor: Math.max(0, tones.indexOf(this.host.ringTone())) });
        return;
      }
      case 'Ring volume':
        this.stack.push({ kind: 'volume-setting', level: this.host.ringVolume().level });
        return;
      case 'Status':
        this.stack.push({ kind: 'network-info' });
        return;
      case 'Accounts':
        this.stack.push({ kind: 'account-status', cursor: 0 });
        return;
      default:
        return;
    }
  }

  private back(): void {
    this.host.previewRingTone(undefined);
    this.stack.pop();
  }

  /** The page as a screen. */
  view(): ScreenView | undefined {
    const page = this.page;
    if (!page) return undefined;
    switch (page.kind) {
      case 'menu':
        return {
          kind: 'menu',
          title: 'Menu',
          cursor: page.cursor,
          items: ROOT_ITEMS.map((label) => ({
            label,
            value: label === 'Do not disturb' ? (this.host.dnd() ? 'On' : 'Off') : label === 'Call forward' ? this.forwardLabel() : '',
          })),
        };
      case 'history':
        return {
          kind: 'history',
          title: page.direction === 'missed' ? 'Missed calls' : 'History',
          now: this.host.now(),
          cursor: page.cursor,
          entries: this.host.history(page.direction).map((e) => ({
            direction: e.direction,
            party: { name: e.remoteName, number: e.number },
            at: new Date(e.startedAt),
          })),
        };
      case 'phonebook':
        return { kind: 'phonebook', search: page.search, cursor: page.cursor, contacts: this.host.contacts(page.search) };
      case 'dnd-setting':
        return { kind: 'dnd-setting', on: page.on };
      case 'forward-setting':
        return { kind: 'forward-setting', mode: page.mode, target: page.target, editing: page.editing };
      case 'ring-tone-setting': {
        const tones = this.host.ringTones();
        return { kind: 'ring-tone-setting', tones, cursor: page.cursor, current: Math.max(0, tones.indexOf(this.host.ringTone())) };
      }
      case 'volume-setting':
        return { kind: 'volume-setting', control: 'ring', level: page.level, max: this.host.ringVolume().max };
      case 'network-info':
        return { kind: 'network-info', ...this.host.network() };
      case 'account-status': {
        const accounts = this.host.accounts();
        const a = accounts[Math.min(page.cursor, accounts.length - 1)];
        if (!a) return { kind: 'account-status', label: 'No account', uri: '', state: 'none', detail: '' };
        return {
          kind: 'account-status',
          label: a.label,
          uri: a.uri,
          state: accountState(a),
          detail: a.lastFailure ? `${a.lastFailure.status ?? ''} ${a.lastFailure.reason}`.trim() : '',
        };
      }
    }
  }

  private forwardLabel(): string {
    const mode = this.host.forward().mode;
    return mode === 'off' ? 'Off' : mode === 'no-answer' ? 'No ans' : mode === 'always' ? 'Always' : 'Busy';
  }

  private listLength(page: Page): number {
    if (page.kind === 'menu') return ROOT_ITEMS.length;
    if (page.kind === 'history') return this.host.history(page.direction).length;
    if (page.kind === 'phonebook') return this.host.contacts(page.search).length;
    if (page.kind === 'ring-tone-setting') return this.host.ringTones().length;
    if (page.kind === 'account-status') return this.host.accounts().length;
    return 0;
  }

  /** Up and down move the cursor on list pages (wrapping, as desk phones do). */
  move(delta: 1 | -1): void {
    const page = this.page;
    if (!page || !('cursor' in page)) return;
    const n = this.listLength(page);
    if (n === 0) return;
    page.cursor = (page.cursor + delta + n) % n;
    if (page.kind === 'ring-tone-setting') this.host.previewRingTone(this.host.ringTones()[page.cursor]);
  }

  /** A dial key: types into the phonebook search or the forward target. */
  type(char: string): void {
    const page = this.page;
    if (page?.kind === 'phonebook') {
      page.search += char;
      page.cursor = 0;
    } else if (page?.kind === 'forward-setting') {
      page.editing = 'target';
      page.target += char;
    }
  }

  /** A softkey's action, OK or Cancel, on the page showing. */
  async act(action: SoftkeyAction): Promise<void> {
    const page = this.page;
    if (!page) return;
    switch (action) {
      case 'back':
      case 'exit':
      case 'cancel':
        this.back();
        return;
      case 'select':
        if (page.kind === 'menu') this.enter(page.cursor);
        return;
      case 'dial': {
        const number = this.numberAtCursor(page);
        if (number !== undefined) {
          this.close();
          this.host.dial(number);
        }
        return;
      }
      case 'delete':
        if (page.kind === 'forward-setting') page.target = page.target.slice(0, -1);
        if (page.kind === 'phonebook') page.search = page.search.slice(0, -1);
        return;
      case 'turn-on':
      case 'turn-off':
        if (page.kind === 'dnd-setting') page.on = action === 'turn-on';
        return;
      case 'next-mode':
        if (page.kind === 'forward-setting') {
          page.mode = FORWARD_MODES[(FORWARD_MODES.indexOf(page.mode) + 1) % FORWARD_MODES.length] ?? 'off';
          page.editing = 'mode';
        }
        return;
      case 'decrease':
      case 'increase':
        if (page.kind === 'volume-setting') {
          const { max } = this.host.ringVolume();
          page.level = Math.max(0, Math.min(max, page.level + (action === 'increase' ? 1 : -1)));
        }
        return;
      case 'play':
        if (page.kind === 'ring-tone-setting') this.host.previewRingTone(this.host.ringTones()[page.cursor]);
        return;
      case 'save':
        await this.save(page);
        this.back();
        return;
      default:
        return;
    }
  }

  private numberAtCursor(page: Page): string | undefined {
    if (page.kind === 'history') return this.host.history(page.direction)[page.cursor]?.number;
    if (page.kind === 'phonebook') return this.host.contacts(page.search)[page.cursor]?.number;
    return undefined;
  }

  private async save(page: Page): Promise<void> {
    switch (page.kind) {
      case 'dnd-setting':
        await this.host.setSettings({ 'features.dnd.enable': page.on ? '1' : '0' });
        return;
      case 'forward-setting': {
        const entries: Record<string, string> = {};
        for (const [mode, key] of Object.entries(FORWARD_KEYS)) {
          entries[`${key}.enable`] = mode === page.mode ? '1' : '0';
          if (mode === page.mode) entries[`${key}.target`] = page.target;
        }
        await this.host.setSettings(entries);
        return;
      }
      case 'ring-tone-setting': {
        const name = this.host.ringTones()[page.cursor];
        if (name !== undefined) await this.host.setSettings({ 'phone_setting.ring_type': name });
        return;
      }
      case 'volume-setting':
        await this.host.setSettings({ 'phone_setting.ring_volume': String(page.level) });
        return;
      default:
        return;
    }
  }
}

const KEYPAD_LETTERS: readonly string[] = ['', '', 'abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'];

/** A letter's keypad digit (2 for a, b, c …); digits are themselves; anything else none. */
function keypadDigit(ch: string): string | undefined {
  if (/[0-9]/.test(ch)) return ch;
  const i = KEYPAD_LETTERS.findIndex((letters) => letters.includes(ch));
  return i < 0 ? undefined : String(i);
}

/**
 * Phonebook search from the keypad without multi-tap ("smart dial"): the
 * digits typed match a contact when some word of its name, spelled as
 * keypad digits, starts with them (227 finds "Carol": c-a-r → 2-2-7), or
 * when one of its numbers contains them.
 */
export function keypadSearchMatches(digits: string, name: string, numbers: readonly string[]): boolean {
  if (digits === '') return true;
  if (numbers.some((n) => n.replace(/[^0-9*#]/g, '').includes(digits))) return true;
  const plain = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return plain.split(/[^a-z0-9]+/).some((word) => {
    const spelled = [...word].map((ch) => keypadDigit(ch) ?? '').join('');
    return spelled.startsWith(digits);
  });
}
