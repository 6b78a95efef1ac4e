// The SMTP sink as a process of its own (started by sink.ts): smtp-server on 127.0.0.1 that streams each
// message body into a byte counter and accepts it. No parsing and no storage, so it is never the bottleneck.
// Answers IPC requests: `snapshot` (counts since the last reset, the sink's CPU time) and `reset`.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { reply } from './child.js';

let counts = fresh();
function fresh() {
  return { messages: 0, bytes: 0, connections: 0, maxOpen: 0, cpu: process.cpuUsage(), since: Date.now() };
}
let open = 0;

const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  logger: false,
  closeTimeout: 100,
  onConnect(_session, callback) {
    counts.connections++;
    open++;
    counts.maxOpen = Math.max(counts.maxOpen, open);
    callback();
  },
  onClose() {
    open--;
  },
  onData(stream, _session, callback) {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      counts.messages++;
      counts.bytes += bytes;
      callback(null, 'Ok: queued');
    });
  },
});
server.on('error', () => {}); // a client dropping its socket is not the sink's failure

function snapshot() {
  const cpu = process.cpuUsage(counts.cpu);
  return {
    messages: counts.messages,
    bytes: counts.bytes,
    connections: counts.connections,
    maxOpen: counts.maxOpen,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: Date.now() - counts.since,
  };
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') {
    const before = snapshot();
    counts = fresh();
    void reply({ type: 'reset-done', ...before });
  } else if (m.type === 'snapshot') void reply({ type: 'snapshot', ...snapshot() });
  else if (m.type === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0)); // the parent went away: stop too

server.listen(0, '127.0.0.1', () => {
  void reply({ type: 'ready', port: (server.server.address() as AddressInfo).port });
});
