/**
 * Logged-in sessions of the web UI, in memory (a reboot logs everyone out).
 *
 * A session ends when it has been idle longer than features.relog_offtime
 * (Yealink's "timeout interval for web access authentication"), read at each
 * request so a change applies at once, or 12 hours after login whatever the
 * activity. Expiry is checked when a session is looked up, against the
 * injected Clock, so no timer runs and tests move time with a VirtualClock.
 *
 * Each session has its own CSRF token (OWASP "synchronizer token"): the page
 * reads it from /api/session and sends it in a header with every change; a
 * cross-site page can make the browser send the cookie, never the header.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../drivers/bus/clock.js';

export interface Session {
  /** The cookie value: 256 random bits. */
  readonly id: string;
  readonly csrfToken: string;
  readonly user: string;
  /** While true, only changing the password and logging out are allowed. */
  mustChangePassword: boolean;
  readonly createdAt: number;
  lastSeen: number;
}

export const MAX_SESSION_AGE_MS = 12 * 60 * 60 * 1000;
/** More logins than this drop the least recently used session (bounds memory). */
export const MAX_SESSIONS = 16;

function token(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfTokenMatches(session: Session, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class SessionTable {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    /** Read at each lookup: the setting may change while sessions are open. */
    private readonly idleTimeoutMs: () => number,
  ) {}

  create(user: string, mustChangePassword: boolean): Session {
    this.prune();
    while (this.sessions.size >= MAX_SESSIONS) this.evictLeastRecent();
    const now = this.clock.now();
    const session: Session = { id: token(), csrfToken: token(), user, mustChangePassword, createdAt: now, lastSeen: now };
    this.sessions.set(session.id, session);
    return session;
  }

  /**
   * The live session with this id. `touch: false` (the status page's polling)
   * reads it without counting as activity, so an open tab still times out.
   */
  lookup(id: string | undefined, touch = true): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (this.expired(session)) {
      this.sessions.delete(id);
      return undefined;
    }
    if (touch) session.lastSeen = this.clock.now();
    return session;
  }

  /**
   * A new id and CSRF token for the same login, the old id dropped: done when
   * the password changes, so an id captured before cannot ride on the change.
   */
  rotate(session: Session): Session {
    this.sessions.delete(session.id);
    const next: Session = { ...session, id: token(), csrfToken: token(), lastSeen: this.clock.now() };
    this.sessions.set(next.id, next);
    return next;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Every session but `keep` (after a password change, other browsers must log in again). */
  destroyAllExcept(keep?: Session): void {
    for (const id of [...this.sessions.keys()]) if (id !== keep?.id) this.sessions.delete(id);
  }

  get size(): number {
    this.prune();
    return this.sessions.size;
  }

  private expired(session: Session): boolean {
    const now = this.clock.now();
    return now - session.lastSeen >= this.idleTimeoutMs() || now - session.createdAt >= MAX_SESSION_AGE_MS;
  }

  private prune(): void {
    for (const [id, s] of this.sessions) if (this.expired(s)) this.sessions.delete(id);
  }

  private evictLeastRecent(): void {
    let oldest: Session | undefined;
    for (const s of this.sessions.values()) if (oldest === undefined || s.lastSeen < oldest.lastSeen) oldest = s;
    if (oldest !== undefined) this.sessions.delete(oldest.id);
  }
}
