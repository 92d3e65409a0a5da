import net from 'node:net';
import type { SerialLink } from '../../drivers/bus/serial.js';
import type { ConsoleTarget } from './commands.js';
import type { ConsoleSpec } from './console-spec.js';
import { ConsoleSession } from './console-session.js';
import { serialChannel, streamChannel } from './channels.js';

export interface RunningConsole {
  /** For tcp: the port actually bound (useful with tcp:127.0.0.1:0). */
  readonly port?: number;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  readonly target: ConsoleTarget;
  readonly onQuit: () => void;
  /** Opens the UART for serial specs; the board supplies it. */
  readonly openSerial?: (path: string, baud: number) => Promise<SerialLink>;
}

/** Starts the console described by `spec`. */
export async function startConsole(spec: ConsoleSpec, options: ConsoleOptions): Promise<RunningConsole> {
  switch (spec.kind) {
    case 'none':
      return { close: () => Promise.resolve() };
    case 'stdio': {
      const session = new ConsoleSession(streamChannel(process.stdin, process.stdout), options.target, options.onQuit);
      // stdin closing (a script's end) means the operator is gone: answer what
      // was asked, then stop the phone.
      process.stdin.on('end', () => {
        session.drained().then(options.onQuit, options.onQuit);
      });
      return {
        close: () => {
          process.stdin.pause();
          return Promise.resolve();
        },
      };
    }
    case 'tcp': {
      const sockets = new Set<net.Socket>();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.setEncoding('utf8');
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
        new ConsoleSession(streamChannel(socket, socket), options.target, options.onQuit);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(new Error(`console: cannot listen on tcp:${spec.host}:${spec.port}: ${e.code ?? e.message}`)),
        );
        server.listen(spec.port, spec.host, resolve);
      });
      const address = server.address();
      return {
        port: typeof address === 'object' && address ? address.port : spec.port,
        close: () =>
          new Promise<void>((resolve) => {
            for (const s of sockets) s.end();
            server.close(() => resolve());
            for (const s of sockets) s.destroy();
          }),
      };
    }
    case 'serial': {
      if (!options.openSerial) throw new Error(`console: this board has no serial ports for serial:${spec.path}`);
      const link = await options.openSerial(spec.path, spec.baud);
      new ConsoleSession(serialChannel(link), options.target, options.onQuit);
      return { close: () => link.close() };
    }
  }
}
