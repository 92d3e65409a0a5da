/**
 * Which settings page of the UI shows which schema row. Pages are matched by
 * key prefix (the longest matching prefix wins), so a row added to the
 * schema appears on its page with no change here, and a row no prefix claims
 * still appears, on "Other settings". The forms themselves are built from the
 * schema rows (settings-view.ts), never written per field.
 */
import { SETTINGS, type SettingSpec } from '../config/schema.js';

export interface SettingsPage {
  readonly id: string;
  readonly title: string;
  /** Key patterns (with {N}/{M}) this page claims, by prefix. */
  readonly prefixes: readonly string[];
  /** Shown when no schema row lands here yet. */
  readonly emptyText: string;
}

export const OTHER_PAGE_ID = 'other';

export const SETTINGS_PAGES: readonly SettingsPage[] = [
  { id: 'accounts', title: 'Accounts', prefixes: ['account.{N}.'], emptyText: 'No account settings.' },
  {
    id: 'features',
    title: 'Call features',
    // Forwarding, call waiting and the dial plan are what a user changes about calls; so is the inter-digit timeout.
    prefixes: ['features.', 'call_waiting.', 'forward.', 'dialplan.', 'phone_setting.inter_digit_time', 'voice_mail.'],
    emptyText: 'No call feature settings in this firmware yet.',
  },
  {
    id: 'audio',
    title: 'Audio & codecs',
    // Yealink's names: account.X.codec.Y.*, voice.* (echo cancellation, jitter buffer, tones), phone_setting.ring_type/ring_volume.
    prefixes: ['account.{N}.codec.', 'voice.', 'audio.', 'codec.', 'phone_setting.ring_'],
    emptyText: 'This firmware has no audio or codec settings yet: it offers the codecs it has, in its own order.',
  },
  {
    id: 'network',
    title: 'Network & web access',
    prefixes: ['sip.', 'static.network.', 'static.wui.', 'static.security.', 'local_time.', 'features.relog_offtime'],
    emptyText: 'No network settings.',
  },
  {
    id: 'provisioning',
    title: 'Provisioning & syslog',
    prefixes: ['static.auto_provision.', 'static.syslog.'],
    emptyText: 'No provisioning settings in this firmware yet.',
  },
  { id: OTHER_PAGE_ID, title: 'Other settings', prefixes: [], emptyText: 'Every setting is on one of the other pages.' },
];

/** The page a schema row is shown on. */
export function pageOf(pattern: string): SettingsPage {
  let best: { page: SettingsPage; length: number } | undefined;
  for (const page of SETTINGS_PAGES) {
    for (const prefix of page.prefixes) {
      if (pattern.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = { page, length: prefix.length };
    }
  }
  return best?.page ?? (SETTINGS_PAGES.find((p) => p.id === OTHER_PAGE_ID) as SettingsPage);
}

export function findPage(id: string): SettingsPage | undefined {
  return SETTINGS_PAGES.find((p) => p.id === id);
}

export function settingsOnPage(page: SettingsPage, settings: readonly SettingSpec[] = SETTINGS): SettingSpec[] {
  return settings.filter((s) => pageOf(s.key).id === page.id);
}
