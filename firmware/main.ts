/**
 * deskphone: loads a board and starts the phone.
 *   deskphone --board <name> --config <file> --data-dir <dir> --console <spec>
 */
import { parseCli, CliError, USAGE, type CliOptions } from './cli.js';
import { findBoard, boardNames, type KnownBoard } from '../boards/index.js';
import { validateBoard, BoardError } from '../boards/validate.js';
import { isKeyName } from '../drivers/keypad/key-names.js';
import { SystemClock } from '../drivers/bus/system-clock.js';
import { clockDelay } from '../drivers/bus/clock.js';
import { isBusError } from '../drivers/bus/errors.js';
import type { PhoneHardware } from './hardware.js';
import { Phone } from './phone/phone.js';
import { phoneConsoleTarget } from './phone/console-target.js';
import { startConsole, type RunningConsole } from './console/console-server.js';
import { mediaDevicesFor } from '../boards/media-devices.js';
import { MediaClient } from './media/engine/media-client.js';
import { mediaAdapter } from './phone/calls/media-adapter.js';
import { createDefaultCodecRegistry } from './media/codecs/default-registry.js';
import { ConfigRuntime } from './config/config-runtime.js';
import { TONE_COUNTRY_NAMES } from './config/schema.js';
import { Log, type Logger } from './log/logger.js';
import { RingBufferSink } from './log/ring-buffer-sink.js';
import { SyslogSink } from './log/syslog-sink.js';
import { syslogSettings } from './log/syslog-settings.js';
import { formatLine } from './log/log-record.js';
import { Management } from './services/management.js';
import { ServiceWatchdog, spawnSystemdNotify } from './watchdog.js';
import type { SipTap } from './sip/transport/tracing-transport.js';
import type { PhoneConfig } from './config/view.js';
import { SipStack } from './sip/sip-stack.js';
import { phoneSip } from './sip/phone-adapter.js';
import { USER_AGENT } from './version.js';
import { CallHistory, Phonebook } from './phone/directory/index.js';
import { checkSetting, type SettingEntry } from './config/setting-entry.js';
import { RING_TONES } from './media/tones/ring-tones.js';

/** An error whose message is the whole story: printed alone, no stack trace. */
class StartError extends Error {}

/** A device the board needs that failed: one line naming the board file, no stack trace. */
function asBoardFailure(known: KnownBoard, e: unknown): unknown {
  return isBusError(e) ? new StartError(`board ${known.description.name} (${known.file}): ${e.message}`) : e;
}

async function createHardware(known: KnownBoard, clock: SystemClock): Promise<PhoneHardware> {
  const delay = clockDelay(clock);
  const board = known.description;
  try {
    if (board.platform === 'emulated') {
      const { createSimHardware } = await import('../boards/sim/sim-hardware.js');
      return await createSimHardware(board, clock, delay);
    }
    const { createLinuxHardware } = await import('../boards/linux-hardware.js');
    return await createLinuxHardware(board, clock, delay);
  } catch (e) {
    throw asBoardFailure(known, e);
  }
}

/**
 * The SIP stack, or none when its sockets cannot be opened: the phone still
 * boots (and says "No service"), as a desk phone on a broken network does.
 */
async function startSip(
  config: PhoneConfig,
  clock: SystemClock,
  address: string | undefined,
  tap: () => SipTap | undefined,
): Promise<SipStack | undefined> {
  try {
    return await SipStack.start({ config, clock, userAgent: USER_AGENT, listenHost: address, tap });
  } catch (e) {
    console.error(`deskphone: SIP not started: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/**
 * The media worker with the board's PCM devices, or none when it cannot
 * start: the phone then rings but cannot answer, and says why.
 */
async function startMedia(
  known: KnownBoard,
  options: CliOptions,
  say: (line: string) => void,
  log: Logger,
): Promise<MediaClient | undefined> {
  const devices = mediaDevicesFor(known.description, { audioIn: options.audioIn, audioOut: options.audioOut });
  if (!devices) return undefined;
  try {
    // Stream figures every second, for `state` and the status page.
    const media = await MediaClient.start(devices, { statsIntervalMs: 1000 });
    media.onEvent((event) => {
      if (event.type === 'error') say(`audio: ${event.message}`);
      else if (event.type === 'log') log.info(event.line);
    });
    return media;
  } catch (e) {
    say(`audio not started: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function run(options: CliOptions): Promise<void> {
  const known = findBoard(options.board);
  if (!known) throw new StartError(`unknown board "${options.board}" (known: ${boardNames().join(', ')})`);
  validateBoard(known.description, known.file, isKeyName);

  const config = await ConfigRuntime.open(options.configFile, options.dataDir);
  const log = new Log();
  const ring = new RingBufferSink(500, 'info');
  log.addSink(ring);
  const clock = new SystemClock();
  // Remote syslog (RFC 5424 over UDP) as desk phones have it: static.syslog.*, applied live.
  const syslog = new SyslogSink({ clock, ...syslogSettings(config.current()) });
  log.addSink(syslog);
  config.onChange((next) => syslog.configure(syslogSettings(next)));
  const logger = log.logger('phone');
  const say = (message: string): void => {
    console.error(`deskphone: ${message}`);
    logger.info(message);
  };
  for (const message of config.messages) say(message);

  const hw = await createHardware(known, clock);
  // The tracer lives in Management, which starts after SIP: the tap looks it up when called.
  const services: { management?: Management } = {};
  const tap = (): SipTap | undefined => {
    const tracer = services.management?.tracer;
    return tracer?.active ? (...args) => tracer.record(...args) : undefined;
  };
  const sip = await startSip(config.current().view, clock, options.sipAddress, tap);
  config.onChange((next) => sip?.applyConfig(next.view));
  const sipView = sip ? phoneSip(sip, clock) : undefined;
  const media = await startMedia(known, options, say, logger.child('media'));
  const rtpAddress = sip?.transport.localEndpoint('udp').host ?? options.sipAddress ?? '127.0.0.1';
  const directoryLog = { warn: (line: string) => say(line) };
  const history = await CallHistory.open({ dataDir: options.dataDir, clock, log: directoryLog });
  const phonebook = await Phonebook.open({ dataDir: options.dataDir, clock, log: directoryLog });
  for (const message of [history.loadMessage, phonebook.loadMessage]) if (message) say(message);
  const phone = new Phone(hw, {
    history,
    phonebook,
    ringTones: Object.keys(RING_TONES),
    voicemailNumber: (index) => config.current().view.accounts.find((a) => a.index === index)?.voicemailNumber ?? '',
    directIpAllowed: () => config.current().view.features.directIpCall,
    setSettings: (entries) => config.applyLocal(settingEntries(entries)),
    ...(sipView ? { sip: sipView } : {}),
    address: () => sip?.transport.localEndpoint('udp').host ?? 'no network',
    calls: () => config.current().view.calls,
    account: (index) => config.current().view.accounts.find((a) => a.index === index),
    log: say,
    ...(media
      ? {
          media: mediaAdapter({
            media,
            address: rtpAddress,
            codecs: () => createDefaultCodecRegistry().list(),
            toneCountry: () => TONE_COUNTRY_NAMES[String(config.current().get('voice.tone.country'))] ?? 'us',
            log: say,
          }),
        }
      : {}),
  });
  const running: { console?: RunningConsole } = {};
  let stopping: Promise<void> | undefined;

  // systemd (deploy/deskphone.service) restarts a phone that stops feeding its watchdog.
  const watchdog = new ServiceWatchdog({
    clock,
    env: process.env,
    pid: process.pid,
    run: spawnSystemdNotify,
    log: { warn: (line) => say(line) },
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      watchdog.stopping();
      await running.console?.close();
      await services.management?.stop();
      await phone.dispose();
      await history.dispose();
      await phonebook.dispose();
      await sipView?.stop();
      await sip?.stop();
      await media?.close();
      await hw.dispose();
    })();
    return stopping;
  };
  const quit = (): void => {
    stop()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        console.error(`deskphone: error while stopping: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      });
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);

  try {
    await phone.start();
  } catch (e) {
    await stop().catch(() => undefined);
    throw asBoardFailure(known, e);
  }

  const management = new Management({
    config,
    clock,
    dataDir: options.dataDir,
    platform: known.description.platform,
    sip,
    phoneSip: sipView,
    log: logger,
    logLines: () => ring.records().map(formatLine),
    // A reboot of the firmware: stop cleanly; the service manager (systemd) starts it again.
    reboot: () => Promise.resolve(quit()),
    history,
    phonebook,
    calls: () => phone.status().calls,
  });
  services.management = management;
  await management.start();
  for (const url of management.webAddresses()) say(`web UI on ${url}`);

  const target = phoneConsoleTarget(phone, hw, stop, (on) => management.trace(on));
  watchdog.ready();
  const interactive = process.stdin.isTTY && process.stdout.isTTY;
  if (options.console === undefined && interactive) {
    const { startFrontPanel } = await import('../boards/sim/front-panel.js');
    startFrontPanel(hw, phone, quit);
    return;
  }
  const spec = options.console ?? { kind: 'stdio' as const };
  const consoleHandle = await startConsole(spec, {
    target,
    onQuit: quit,
    openSerial: hw.openSerial,
  });
  running.console = consoleHandle;
  if (spec.kind === 'tcp') console.error(`deskphone: console on tcp:${spec.host}:${consoleHandle.port ?? spec.port}`);
}

/** Settings the phone's menus change, checked as a line of a .cfg file would be. */
function settingEntries(entries: Readonly<Record<string, string>>): SettingEntry[] {
  return Object.entries(entries).map(([key, value]) => {
    const checked = checkSetting(key, value);
    if (!checked.ok) throw new Error(checked.message);
    return checked.entry;
  });
}

function explain(e: unknown): string {
  if (e instanceof StartError || e instanceof CliError || e instanceof BoardError) return e.message;
  if (isBusError(e)) return e.message;
  if (e instanceof Error) {
    return process.env.DESKPHONE_DEBUG ? (e.stack ?? e.message) : `${e.message} (DESKPHONE_DEBUG=1 shows where)`;
  }
  return String(e);
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error(`deskphone: ${explain(e)}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  try {
    await run(options);
  } catch (e) {
    console.error(`deskphone: ${explain(e)}`);
    process.exit(1);
  }
}

await main();
