/**
 * Starting the web admin UI as the phone does: the admin record in the data
 * directory, the listeners the settings ask for (listen-plan.ts), and the
 * HTTPS certificate made or loaded when HTTPS is on. A certificate that
 * cannot be had turns HTTPS off with a message; plain HTTP still starts.
 */
import { join } from 'node:path';
import type { Clock } from '../../drivers/bus/clock.js';
import { AdminCredentials } from './admin-credentials.js';
import type { WebBackend } from './backend.js';
import { FileCredentialStore } from './credential-file.js';
import { webListenerPlan } from './listen-plan.js';
import type { ScryptParams } from './password-hash.js';
import { StaticFiles } from './static-files.js';
import { execFileRunner, loadOrCreateCertificate, type CommandRunner, type TlsMaterial } from './tls-certificate.js';
import { createWebApp, type WebApp } from './web-app.js';
import { startWebServer, type RunningWebServer, type WebListenerSpec } from './web-server.js';

export interface WebUiOptions {
  readonly backend: WebBackend;
  readonly clock: Clock;
  /** --data-dir: the admin record and the HTTPS certificate live in <dataDir>/web/. */
  readonly dataDir: string;
  readonly platform: 'linux' | 'emulated';
  /** Undefined: every interface. */
  readonly host?: string;
  readonly log: (line: string) => void;
  readonly scryptParams?: ScryptParams;
  readonly runCommand?: CommandRunner;
}

export interface RunningWebUi {
  readonly app: WebApp;
  readonly server: RunningWebServer;
  readonly tls?: TlsMaterial;
}

export async function startWebUi(options: WebUiOptions): Promise<RunningWebUi> {
  const dir = join(options.dataDir, 'web');
  const credentials = await AdminCredentials.open(new FileCredentialStore(join(dir, 'admin.json')), options.scryptParams, (m) => options.log(`web: ${m}`));
  const app = createWebApp({
    backend: options.backend,
    credentials,
    clock: options.clock,
    staticFiles: await StaticFiles.load(),
    log: options.log,
  });
  let plan = webListenerPlan(options.backend.config(), options.platform);
  let tls: TlsMaterial | undefined;
  if (plan.some((l) => l.protocol === 'https')) {
    try {
      tls = await loadOrCreateCertificate(dir, options.runCommand ?? execFileRunner);
      if (tls.origin === 'self-signed') options.log(`web: HTTPS uses the self-signed certificate ${tls.certPath}`);
    } catch (e) {
      options.log(`web: HTTPS is off: ${e instanceof Error ? e.message : String(e)}`);
      plan = plan.filter((l) => l.protocol !== 'https');
    }
  }
  const specs: WebListenerSpec[] = plan.map((l) => ({ ...l, ...(options.host === undefined ? {} : { host: options.host }) }));
  const server = await startWebServer(app, specs, tls);
  for (const l of server.listeners) options.log(`web: admin UI on ${l.url}`);
  if (credentials.mustChange) options.log('web: log in as admin with the factory password "admin"; it must be changed at once');
  return { app, server, ...(tls === undefined ? {} : { tls }) };
}
