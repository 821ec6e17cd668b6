// Structured logs through the firebase-functions logger (Cloud Logging picks up the JSON fields).
// A Logger carries bindings (requestId, endpoint, uid...) that go into every line it writes.
// Every string that leaves here is scrubbed of current secret values, in case an SDK error message
// embeds one.
import { write, type LogSeverity } from 'firebase-functions/logger';
import { secretValuesForRedaction } from './config/index.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry `bindings`. */
  child(bindings: LogFields): Logger;
}

const REDACTED = '[redacted]';

export function redact(text: string): string {
  let out = text;
  for (const secret of secretValuesForRedaction()) out = out.split(secret).join(REDACTED);
  return out;
}

// @upstash/redis puts the whole command (keys and cached values) into its error messages.
const UPSTASH_COMMAND_SUFFIX = /, command was: [\s\S]*$/;

/** A loggable summary of a thrown value: name, message, code, stack (unless omitted) and cause, redacted. */
export function describeError(err: unknown, options: { stack?: boolean } = {}): LogFields {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const withStack = options.stack !== false && err.stack !== undefined;
    const cause = err.cause === undefined ? undefined : describeError(err.cause, options);
    return {
      name: err.name,
      message: redact(err.message.replace(UPSTASH_COMMAND_SUFFIX, '')),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(withStack ? { stack: redact(err.stack!.replace(UPSTASH_COMMAND_SUFFIX, '')) } : {}),
      ...(cause ? { cause } : {}),
    };
  }
  return { message: redact(String(err)) };
}

function redactFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) out[key] = describeError(value);
    else if (typeof value === 'string') out[key] = redact(value);
    else out[key] = value;
  }
  return out;
}

export function createLogger(bindings: LogFields = {}): Logger {
  const emit = (severity: LogSeverity, message: string, fields?: LogFields): void => {
    write({ severity, message: redact(message), ...redactFields({ ...bindings, ...fields }) });
  };
  return {
    debug: (message, fields) => emit('DEBUG', message, fields),
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARNING', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
    child: (more) => createLogger({ ...bindings, ...more }),
  };
}

/** For module-level code outside a request. */
export const rootLogger: Logger = createLogger();
