/**
 * What a new admin password must be. Yealink accepts "ASCII characters
 * 32-126 (0x20-0x7E)" for its passwords; so does this phone, so a password
 * set here can also be typed on a keypad-and-menu phone of the same family.
 * The factory password must be replaced, as the UI forces at first login;
 * at 5 characters it is below the minimum length, so it cannot come back.
 */
export const ADMIN_USER = 'admin';
/** Yealink's factory default for the admin account. */
export const INITIAL_PASSWORD = 'admin';

export const MIN_PASSWORD_LENGTH = 8;
/** Bounds the work one login costs (the whole password goes through scrypt's PBKDF2 step). */
export const MAX_PASSWORD_LENGTH = 128;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Undefined when `next` is acceptable, else why not, as the UI shows it. */
export function passwordProblem(next: string, current: string): string | undefined {
  if (next.length < MIN_PASSWORD_LENGTH) return `the new password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (next.length > MAX_PASSWORD_LENGTH) return `the new password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  if (!PRINTABLE_ASCII.test(next)) return 'the new password may hold only printable ASCII characters (space to ~)';
  if (next === current) return 'the new password must differ from the current one';
  return undefined;
}
