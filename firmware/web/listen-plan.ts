/**
 * Which listeners the web UI opens, from the settings: plain HTTP on
 * static.network.port.http when static.wui.http_enable, HTTPS on
 * static.network.port.https when static.wui.https_enable.
 *
 * On the simulated board the factory ports 80 and 443 would need root, and a
 * developer's machine usually has something on them, so while the port is
 * left at its default (no layer set it) the simulated board uses 8080 and
 * 8443. A port set in any layer is used as it is, on any board.
 */
import type { ResolvedConfig } from '../config/layers.js';

export type WebProtocol = 'http' | 'https';

export interface WebListenerPlan {
  readonly protocol: WebProtocol;
  readonly port: number;
}

export const SIMULATED_DEFAULT_PORTS: Readonly<Record<WebProtocol, number>> = { http: 8080, https: 8443 };

export function webListenerPlan(config: ResolvedConfig, platform: 'linux' | 'emulated'): WebListenerPlan[] {
  const plan: WebListenerPlan[] = [];
  const port = (protocol: WebProtocol, key: 'static.network.port.http' | 'static.network.port.https'): number =>
    platform === 'emulated' && config.source(key).layer === 'default' ? SIMULATED_DEFAULT_PORTS[protocol] : config.value(key);
  if (config.value('static.wui.http_enable')) plan.push({ protocol: 'http', port: port('http', 'static.network.port.http') });
  if (config.value('static.wui.https_enable')) plan.push({ protocol: 'https', port: port('https', 'static.network.port.https') });
  return plan;
}
