/**
 * The impairment relay: a UDP relay between two sides (the phone on one,
 * its peer on the other) that delays, drops and reorders what passes, the
 * job `tc netem` would do on a machine that had it.
 *
 * Side A's peer sends to socket A; the relay forwards out of socket B to
 * side B's target, and back the same way. A side's target is either
 * configured or learnt from the first packet that side sends (latching, as a
 * NAT-less media relay does); until it is known, packets for it are counted
 * as unroutable and dropped.
 *
 * Each direction keeps its own flows (an RTP SSRC, RTCP, anything else), and
 * each flow its own impairment seeded from (seed, direction, flow number),
 * so a seed names the whole run's decisions. Departures go through the
 * PreciseScheduler, whose lateness is measured and reported: the bench reads
 * the phone's send pacing from the arrival times logged here.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ImpairmentFactory } from './decision.js';
import { PASS } from './decision.js';
import { Flow, type ArrivalLogEntry, type DecisionLogEntry } from './flow.js';
import { classifyPacket, flowKey } from './packet-kind.js';
import type { PacingStats } from './pacing.js';
import { mixSeed } from './prng.js';
import { PreciseScheduler } from './scheduler.js';
import { summarize } from './summary.js';

export type Direction = 'a-to-b' | 'b-to-a';
export type DirectionSetting = 'both' | Direction;
export const DIRECTIONS: readonly Direction[] = ['a-to-b', 'b-to-a'];

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface RelayOptions {
  readonly listenA: Endpoint;
  readonly listenB: Endpoint;
  readonly targetA?: Endpoint;
  readonly targetB?: Endpoint;
  readonly impairment: ImpairmentFactory;
  /** Default 1, as on the command line. */
  readonly seed?: number;
  /** Which directions are impaired; the others pass straight through. Default both. */
  readonly direction?: DirectionSetting;
  /** See PreciseScheduler; default 2 ms. */
  readonly spinMs?: number;
  /** Nominal packet period for the pacing analysis; default 20 ms. */
  readonly pacingPeriodMs?: number;
  /** Per-flow and per-direction log entries kept at most; default 1,000,000. */
  readonly logLimit?: number;
  /**
   * Sees every packet as it arrives, with its arrival time, before it is
   * impaired (the bench reads SIP start lines off the wire with this).
   */
  readonly observe?: (direction: Direction, packet: Buffer, arrivalNs: bigint) => void;
}

export interface FlowStats {
  readonly packets: number;
  readonly logTruncated: boolean;
  /** Send pacing of an RTP flow as seen arriving at the relay; null for other flows. */
  readonly pacing: PacingStats | null;
}

export interface DirectionStats {
  readonly impaired: boolean;
  readonly received: number;
  readonly forwarded: number;
  readonly dropped: number;
  /** Packets that left after a packet of their flow that arrived later. */
  readonly reordered: number;
  /** No target known yet for the side it was going to. */
  readonly unroutable: number;
  readonly sendErrors: number;
  /** Waiting in the scheduler when the stats were taken. */
  readonly pending: number;
  /** Delay applied to forwarded packets, ms. */
  readonly delayMs: { readonly mean: number; readonly p99: number; readonly max: number };
  /** How late the relay sent packets against their due time, ms. */
  readonly schedulingErrorMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly flows: Readonly<Record<string, FlowStats>>;
}

export interface RelayStats {
  readonly listenA: string;
  readonly listenB: string;
  readonly targetA: string | null;
  readonly targetB: string | null;
  readonly socketErrors: number;
  readonly directions: Readonly<Record<Direction, DirectionStats>>;
}

class DirectionState {
  received = 0;
  forwarded = 0;
  dropped = 0;
  reordered = 0;
  unroutable = 0;
  sendErrors = 0;
  pending = 0;
  readonly delays: number[] = [];
  readonly schedulingErrors: number[] = [];
  readonly decisions: DecisionLogEntry[] = [];
  readonly flows = new Map<string, Flow>();

  constructor(readonly impaired: boolean) {}
}

/** `host:port`, `[v6]:port`, or null for no endpoint. */
export function endpointText(e: Endpoint | undefined): string | null {
  return e === undefined ? null : isIPv6(e.host) ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

function bind(listen: Endpoint): Promise<Socket> {
  const socket = createSocket(isIPv6(listen.host) ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(listen.port, listen.host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

export class ImpairmentRelay {
  private readonly scheduler: PreciseScheduler;
  private readonly state: Record<Direction, DirectionState>;
  private targetA: Endpoint | undefined;
  private targetB: Endpoint | undefined;
  private socketErrors = 0;
  private closed = false;
  private readonly logLimit: number;
  private readonly boundA: Endpoint;
  private readonly boundB: Endpoint;

  private constructor(
    private readonly socketA: Socket,
    private readonly socketB: Socket,
    private readonly options: RelayOptions,
  ) {
    const a = socketA.address();
    const b = socketB.address();
    this.boundA = { host: a.address, port: a.port };
    this.boundB = { host: b.address, port: b.port };
    this.targetA = options.targetA;
    this.targetB = options.targetB;
    this.logLimit = options.logLimit ?? 1_000_000;
    const setting = options.direction ?? 'both';
    this.state = {
      'a-to-b': new DirectionState(setting !== 'b-to-a'),
      'b-to-a': new DirectionState(setting !== 'a-to-b'),
    };
    this.scheduler = new PreciseScheduler({ spinNs: BigInt(Math.round((options.spinMs ?? 2) * 1e6)) });
    socketA.on('message', (msg, rinfo) => this.onMessage('a-to-b', msg, rinfo));
    socketB.on('message', (msg, rinfo) => this.onMessage('b-to-a', msg, rinfo));
    for (const s of [socketA, socketB]) s.on('error', () => this.socketErrors++);
  }

  /** Binds both sockets (port 0 picks a free port; see addressA/addressB). */
  static async start(options: RelayOptions): Promise<ImpairmentRelay> {
    const a = await bind(options.listenA);
    let b: Socket;
    try {
      b = await bind(options.listenB);
    } catch (error) {
      await closeSocket(a);
      throw error;
    }
    return new ImpairmentRelay(a, b, options);
  }

  /** Where side A's peer sends (the bound port, also after close). */
  get addressA(): Endpoint {
    return this.boundA;
  }

  /** Where side B's peer sends. */
  get addressB(): Endpoint {
    return this.boundB;
  }

  /** Every decision taken in a direction, in arrival order (up to the log limit). */
  decisions(direction: Direction): readonly DecisionLogEntry[] {
    return this.state[direction].decisions;
  }

  /** Each flow's arrivals in a direction: (RTP seq or null, hrtime ns). */
  arrivals(direction: Direction): ReadonlyMap<string, readonly ArrivalLogEntry[]> {
    return new Map([...this.state[direction].flows].map(([key, flow]) => [key, flow.arrivals]));
  }

  stats(): RelayStats {
    const period = this.options.pacingPeriodMs ?? 20;
    const direction = (d: DirectionState): DirectionStats => {
      const delay = summarize(d.delays);
      const late = summarize(d.schedulingErrors);
      const flows: Record<string, FlowStats> = {};
      for (const [key, flow] of d.flows) {
        flows[key] = {
          packets: flow.packets,
          logTruncated: flow.logTruncated,
          pacing: key.startsWith('rtp:') ? flow.pacing(period) : null,
        };
      }
      return {
        impaired: d.impaired,
        received: d.received,
        forwarded: d.forwarded,
        dropped: d.dropped,
        reordered: d.reordered,
        unroutable: d.unroutable,
        sendErrors: d.sendErrors,
        pending: d.pending,
        delayMs: { mean: delay.mean, p99: delay.p99, max: delay.max },
        schedulingErrorMs: { p50: late.p50, p99: late.p99, max: late.max },
        flows,
      };
    };
    return {
      listenA: endpointText(this.addressA) ?? '',
      listenB: endpointText(this.addressB) ?? '',
      targetA: endpointText(this.targetA),
      targetB: endpointText(this.targetB),
      socketErrors: this.socketErrors,
      directions: { 'a-to-b': direction(this.state['a-to-b']), 'b-to-a': direction(this.state['b-to-a']) },
    };
  }

  /** Stops relaying; packets still waiting are discarded (and stay counted as pending). Stats stay readable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.dispose();
    await Promise.all([closeSocket(this.socketA), closeSocket(this.socketB)]);
  }

  private onMessage(direction: Direction, msg: Buffer, from: RemoteInfo): void {
    const arrivalNs = process.hrtime.bigint(); // first, before any work of ours
    if (this.closed) return;
    this.options.observe?.(direction, msg, arrivalNs);
    const source: Endpoint = { host: from.address, port: from.port };
    if (direction === 'a-to-b') this.targetA ??= source;
    else this.targetB ??= source;

    const d = this.state[direction];
    const kind = classifyPacket(msg);
    const key = flowKey(kind);
    let flow = d.flows.get(key);
    if (flow === undefined) {
      const seed = mixSeed(this.options.seed ?? 1, DIRECTIONS.indexOf(direction), d.flows.size);
      flow = new Flow(key, d.impaired ? this.options.impairment(seed) : { next: () => PASS }, this.logLimit);
      d.flows.set(key, flow);
    }
    const seq = kind.kind === 'rtp' ? kind.seq : null;
    const { index, decision } = flow.arrive(seq, arrivalNs);
    d.received++;
    if (d.decisions.length < this.logLimit) d.decisions.push({ flow: key, index, seq, ...decision });
    if (decision.drop) {
      d.dropped++;
      return;
    }

    const due = arrivalNs + BigInt(Math.round(decision.delayMs * 1e6));
    const departing = flow;
    d.pending++;
    this.scheduler.schedule(due, (startedNs) => {
      d.pending--;
      this.depart(direction, departing, index, msg, decision.delayMs, startedNs - due);
    });
  }

  private depart(direction: Direction, flow: Flow, index: number, msg: Buffer, delayMs: number, lateNs: bigint): void {
    const d = this.state[direction];
    const target = direction === 'a-to-b' ? this.targetB : this.targetA;
    const socket = direction === 'a-to-b' ? this.socketB : this.socketA;
    if (target === undefined) {
      d.unroutable++;
      return;
    }
    if (flow.depart(index)) d.reordered++;
    socket.send(msg, target.port, target.host, (error) => {
      if (error) d.sendErrors++;
    });
    d.forwarded++;
    if (d.delays.length < this.logLimit) {
      d.delays.push(delayMs);
      d.schedulingErrors.push(Number(lateNs) / 1e6);
    }
  }
}
