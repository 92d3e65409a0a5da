/**
 * What the dialing screen does with a number, given the digit map's verdict:
 * the policy of Yealink's digit-map timers and no_match_action, kept apart
 * from the state machine that runs it.
 *
 *   complete                    dial now
 *   complete-but-more-possible  wait the short timer, then dial (RFC 3435 T; Cisco's
 *                               "interdigit short timer (complete entry timer)")
 *   partial                     wait the long timer, then dial (Yealink
 *                               dialplan.digitmap.interdigit_long_timer)
 *   none                        as NoMatchAction says
 */
import type { DigitMapVerdict } from './digit-map.js';

/**
 * Yealink dialplan.digitmap.no_match_action:
 *   'ignore-key'       0: the key that makes the number impossible is not taken
 *   'refuse'           1: the number is refused ("Forbidden Number")
 *   'dial-on-timeout'  2: keep collecting; dial on the long timer or a send key
 */
export type NoMatchAction = 'ignore-key' | 'refuse' | 'dial-on-timeout';

export type CollectStep = 'dial' | 'wait-short' | 'wait-long' | 'refuse' | 'drop-key';

/**
 * `typed`: the number just grew by a key. Only then can 'ignore-key' drop
 * it; a number reached by deleting keys is already on the screen, and is
 * handled as 'dial-on-timeout' would.
 */
export function collectStep(verdict: DigitMapVerdict, noMatch: NoMatchAction, typed: boolean): CollectStep {
  switch (verdict) {
    case 'complete':
      return 'dial';
    case 'complete-but-more-possible':
      return 'wait-short';
    case 'partial':
      return 'wait-long';
    case 'none':
      if (noMatch === 'refuse') return 'refuse';
      return noMatch === 'ignore-key' && typed ? 'drop-key' : 'wait-long';
  }
}
