// The parent's handle on the sink process (sink-server.ts).
import { startChild } from './child.js';

export interface SinkCounts {
  messages: number;
  bytes: number;
  connections: number;
  maxOpen: number;
  /** The sink's CPU time since the last reset, and the wall time it covers. */
  cpuMs: number;
  wallMs: number;
}

export interface SinkHandle {
  url: string;
  reset(): Promise<void>;
  snapshot(): Promise<SinkCounts>;
  close(): Promise<void>;
}

export async function startSinkProcess(): Promise<SinkHandle> {
  const sink = startChild('lib/sink-server.ts', {}, { timeoutMs: 30 * 60_000 });
  const { port } = await sink.next<{ port: number }>('ready');
  return {
    url: `smtp://127.0.0.1:${port}`,
    async reset() {
      await sink.request({ type: 'reset' }, 'reset-done');
    },
    snapshot: () => sink.request<SinkCounts>({ type: 'snapshot' }, 'snapshot'),
    async close() {
      sink.child.send({ type: 'stop' });
      const forced = setTimeout(() => sink.kill(), 2000);
      await sink.exited;
      clearTimeout(forced);
    },
  };
}
