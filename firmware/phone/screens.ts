/**
 * Screen layouts as pure functions of the phone state and the display size,
 * so each can be tested without a display. Each returns exactly `rows`
 * strings of exactly `columns` characters.
 */
export interface DisplayGeometry {
  readonly columns: number;
  readonly rows: number;
}

export interface IdleView {
  readonly now: Date;
  /** "No service" until an account registers; later the account label. */
  readonly status: string;
}

export interface DialingView {
  readonly digits: string;
  readonly offHook: boolean;
}

/** Pads or clips to the width; a row never wraps into the next. */
export function fit(text: string, columns: number): string {
  return text.length >= columns ? text.slice(0, columns) : text.padEnd(columns, ' ');
}

function centre(text: string, columns: number): string {
  const clipped = text.slice(0, columns);
  const left = Math.floor((columns - clipped.length) / 2);
  return fit(' '.repeat(left) + clipped, columns);
}

/** Softkey labels spread over the bottom row, one slot per softkey. */
export function softkeyRow(labels: readonly string[], columns: number): string {
  const slot = Math.floor(columns / 4);
  return fit(labels.map((l) => fit(l, slot - 1) + ' ').join(''), columns);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatClock(now: Date): string {
  return `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
}

function formatDate(now: Date): string {
  return `${DAYS[now.getDay()] ?? ''} ${now.getDate()} ${MONTHS[now.getMonth()] ?? ''}`;
}

export function idleScreen(view: IdleView, g: DisplayGeometry): string[] {
  const time = formatClock(view.now);
  const date = formatDate(view.now);
  const top = fit(time + ' '.repeat(Math.max(1, g.columns - time.length - date.length)) + date, g.columns);
  if (g.rows === 2) return [top, centre(view.status, g.columns)];
  return [top, fit('', g.columns), centre(view.status, g.columns), softkeyRow(['Hist', 'DND', 'Fwd', 'Menu'], g.columns)];
}

export function dialingScreen(view: DialingView, g: DisplayGeometry): string[] {
  // Long numbers scroll left so the digit just typed is always visible.
  const digits = view.digits.length > g.columns ? view.digits.slice(-g.columns) : view.digits;
  const title = view.offHook ? 'Dial:' : 'Pre-dial:';
  if (g.rows === 2) return [fit(title, g.columns), fit(digits, g.columns)];
  return [fit(title, g.columns), fit(digits, g.columns), fit('', g.columns), softkeyRow(['Send', 'Del', '', 'Exit'], g.columns)];
}

export interface RingingView {
  readonly callerName: string;
  readonly callerNumber: string;
}

export function ringingScreen(view: RingingView, g: DisplayGeometry): string[] {
  const name = view.callerName || view.callerNumber;
  if (g.rows === 2) return [fit(`Call: ${name}`, g.columns), fit(view.callerName ? view.callerNumber : 'Incoming call', g.columns)];
  return [
    fit('Incoming call', g.columns),
    fit(name, g.columns),
    fit(view.callerName ? view.callerNumber : '', g.columns),
    softkeyRow(['', '', '', 'Rej'], g.columns),
  ];
}

export interface ConnectedView {
  readonly callerName: string;
  readonly callerNumber: string;
  readonly codec: string;
  readonly wideband: boolean;
  readonly seconds: number;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function connectedScreen(view: ConnectedView, g: DisplayGeometry): string[] {
  const timer = formatDuration(view.seconds);
  const name = view.callerName || view.callerNumber;
  const codec = `${view.codec}${view.wideband ? ' HD' : ''}`;
  const top = fit(name.slice(0, Math.max(0, g.columns - timer.length - 1)).padEnd(g.columns - timer.length) + timer, g.columns);
  if (g.rows === 2) return [top, fit(codec, g.columns)];
  return [top, fit(view.callerName ? view.callerNumber : '', g.columns), fit(codec, g.columns), softkeyRow(['', '', '', 'End'], g.columns)];
}

export interface StatusView {
  readonly version: string;
  readonly address: string;
  /** "Alice: registered", "No account" … */
  readonly account: string;
}

/** The status screen (Menu on the idle screen): what an installer reads off the phone. */
export function statusScreen(view: StatusView, g: DisplayGeometry): string[] {
  if (g.rows === 2) return [fit(`FW ${view.version}`, g.columns), fit(view.address, g.columns)];
  return [fit('Status', g.columns), fit(`Firmware ${view.version}`, g.columns), fit(`IP ${view.address}`, g.columns), fit(view.account, g.columns)];
}

/** A call as the call screens show it. */
export interface CallLineView {
  readonly name: string;
  readonly number: string;
  /** "Calling…", "Ringing…", "Held", "Held by remote", "Conference", "G722 HD", a failure notice … */
  readonly status: string;
  /** Seconds since answered, when connected. */
  readonly seconds?: number;
}

export interface CallScreenView {
  readonly focus: CallLineView;
  /** The other line (held, ringing as call waiting), if any. */
  readonly other?: CallLineView & { readonly line: number };
  readonly softkeys: readonly string[];
}

/** Every call screen (calling, connected, held, second call, conference): one template. */
export function callScreen(view: CallScreenView, g: DisplayGeometry): string[] {
  const { focus, other } = view;
  const timer = focus.seconds === undefined ? '' : formatDuration(focus.seconds);
  const name = focus.name || focus.number;
  const top = fit(name.slice(0, Math.max(0, g.columns - timer.length - 1)).padEnd(g.columns - timer.length) + timer, g.columns);
  const otherLine = other ? fit(`L${other.line} ${other.status}: ${other.name || other.number}`, g.columns) : undefined;
  if (g.rows === 2) return [top, fit(otherLine ?? focus.status, g.columns)];
  return [
    top,
    otherLine ?? fit(focus.name ? focus.number : '', g.columns),
    fit(focus.status, g.columns),
    softkeyRow(view.softkeys, g.columns),
  ];
}

export interface TransferInputView {
  readonly digits: string;
  readonly to: string;
}

/** Typing the number to transfer to (Transfer key on a connected call). */
export function transferScreen(view: TransferInputView, g: DisplayGeometry): string[] {
  const digits = view.digits.length > g.columns ? view.digits.slice(-g.columns) : view.digits;
  if (g.rows === 2) return [fit(`Xfer ${view.to}`, g.columns), fit(digits, g.columns)];
  return [fit(`Transfer ${view.to} to:`, g.columns), fit(digits, g.columns), fit('', g.columns), softkeyRow(['BXfer', 'Del', 'Send', 'Exit'], g.columns)];
}
