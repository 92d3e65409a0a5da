/**
 * The application/simple-message-summary body (RFC 3842 §5.2) a message
 * waiting NOTIFY carries, read into what the phone shows: the MWI lamp and
 * "2 new, 8 old" for voice messages, and the counts of each other class.
 *
 *   message-summary = msg-status-line CRLF
 *                     [msg-account CRLF]
 *                     [*(msg-summary-line CRLF)]
 *                     [ *opt-msg-headers ]
 *   msg-status-line  = "Messages-Waiting" HCOLON msg-status
 *   msg-status       = "yes" / "no"
 *   msg-account      = "Message-Account" HCOLON Account-URI
 *   msg-summary-line = message-context-class HCOLON newmsgs SLASH oldmsgs
 *                      [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
 *   opt-msg-headers  = CRLF 1*(extension-header CRLF)
 *
 * The message-context-class values are RFC 3458's (voice-message,
 * fax-message, pager-message, multimedia-message, text-message, none).
 * Read leniently, as received bodies vary: names in any case, LF alone as a
 * line end, whitespace around the colon and the slashes, unknown lines
 * skipped. Reading stops at the first empty line: what follows
 * (opt-msg-headers, RFC 2822 headers of individual messages) is not shown.
 * Only a body without its status line is refused: §5.2 makes it the one
 * line that must be there.
 */

export const MESSAGE_SUMMARY_TYPE = 'application/simple-message-summary';
export const MESSAGE_SUMMARY_EVENT = 'message-summary';

/** New and old messages of one class, each with how many of them are urgent. */
export interface MessageCounts {
  readonly newCount: number;
  readonly oldCount: number;
  readonly newUrgent: number;
  readonly oldUrgent: number;
}

export interface MessageSummary extends MessageCounts {
  /** Messages-Waiting: yes — the lamp. (The counts above are voice-message's: a phone's voicemail.) */
  readonly waiting: boolean;
  /** The Message-Account URI, as written, when the body names one. */
  readonly account: string | undefined;
  /** Every msg-summary-line, by its message-context-class in lower case ("voice-message", "fax-message" …). */
  readonly classes: ReadonlyMap<string, MessageCounts>;
}

export type MessageSummaryParse = { readonly ok: true; readonly summary: MessageSummary } | { readonly ok: false; readonly reason: string };

const NONE: MessageCounts = { newCount: 0, oldCount: 0, newUrgent: 0, oldUrgent: 0 };

const VOICE = 'voice-message';

/** newmsgs SLASH oldmsgs [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ], each 1*DIGIT. */
const COUNTS = /^(\d{1,9})\s*\/\s*(\d{1,9})(?:\s*\(\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*\))?\s*$/;

/** message-context-class is a token (RFC 3458 §6.2 registers the values; unknown ones are kept too). */
const CLASS_NAME = /^[A-Za-z0-9][A-Za-z0-9.!%*_+`'~-]*$/;

function parseCounts(value: string): MessageCounts | undefined {
  const m = COUNTS.exec(value);
  if (m === null) return undefined;
  return { newCount: Number(m[1]), oldCount: Number(m[2]), newUrgent: Number(m[3] ?? 0), oldUrgent: Number(m[4] ?? 0) };
}

export function parseMessageSummary(body: string | Uint8Array): MessageSummaryParse {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let waiting: boolean | undefined;
  let account: string | undefined;
  const classes = new Map<string, MessageCounts>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (waiting === undefined && classes.size === 0 && account === undefined) continue; // leading blank lines
      break; // opt-msg-headers follow
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'messages-waiting') {
      const status = value.toLowerCase();
      if (status !== 'yes' && status !== 'no') return { ok: false, reason: `Messages-Waiting is "${value}", not yes or no` };
      waiting = status === 'yes';
    } else if (name === 'message-account') {
      account = value;
    } else if (CLASS_NAME.test(name)) {
      const counts = parseCounts(value);
      if (counts !== undefined) classes.set(name, counts);
    }
  }
  if (waiting === undefined) return { ok: false, reason: 'no Messages-Waiting line (RFC 3842 §5.2 msg-status-line)' };
  const voice = classes.get(VOICE) ?? NONE;
  return { ok: true, summary: { waiting, account, classes, ...voice } };
}
