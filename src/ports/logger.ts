// The logger port: structured JSON lines; `child` adds fields (a request id) to every line.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const order: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** A JSON-lines logger writing through `write` (console.log by default, which works on every runtime). */
export function jsonLogger(
  level: LogLevel | 'silent' = 'info',
  write: (line: string) => void = (line) => console.log(line),
  base: LogFields = {},
  now: () => Date = () => new Date(),
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (order[lvl] < order[level]) return;
    write(JSON.stringify({ time: now().toISOString(), level: lvl, msg, ...base, ...fields }, errorReplacer));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => jsonLogger(level, write, { ...base, ...fields }, now),
  };
}

function errorReplacer(_key: string, value: unknown) {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** A logger that keeps every line in memory (tests read `lines`). */
export function memoryLogger(level: LogLevel | 'silent' = 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = jsonLogger(level, (line) => lines.push(JSON.parse(line)));
  return Object.assign(logger, { lines });
}
