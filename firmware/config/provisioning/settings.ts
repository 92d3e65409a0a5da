/**
 * What the provisioning client reads from the configuration, in Yealink's
 * names (static.auto_provision.*). Read again before every attempt, because
 * a provisioned file may itself move the server or change the interval.
 */
import type { ResolvedConfig } from '../layers.js';

export interface ProvisioningSettings {
  /** Empty: none configured. */
  readonly serverUrl: string;
  readonly userName: string;
  readonly password: string;
  readonly onPowerOn: boolean;
  /** Undefined: no periodic fetch (repeat.enable = 0). */
  readonly repeatMinutes: number | undefined;
  readonly useDhcpOption: boolean;
  /** static.security.trust_certificates: HTTPS accepts only certificates from a trusted CA. */
  readonly onlyTrustedCertificates: boolean;
}

export function provisioningSettings(config: Pick<ResolvedConfig, 'value'>): ProvisioningSettings {
  return {
    serverUrl: config.value('static.auto_provision.server.url'),
    userName: config.value('static.auto_provision.server.username'),
    password: config.value('static.auto_provision.server.password'),
    onPowerOn: config.value('static.auto_provision.power_on'),
    repeatMinutes: config.value('static.auto_provision.repeat.enable') ? config.value('static.auto_provision.repeat.minutes') : undefined,
    useDhcpOption: config.value('static.auto_provision.dhcp_option.enable'),
    onlyTrustedCertificates: config.value('static.security.trust_certificates'),
  };
}
