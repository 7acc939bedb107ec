import type { FastifyBaseLogger } from 'fastify';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogFn = (...args: unknown[]) => void;
type ParentLogger = FastifyBaseLogger & { levels: { values: Record<string, number> } };

/**
 * Fastify builds a pino child logger for every request. pino's child() measured at about a
 * third of the webhook route's own work, and a route logged at 'warn' (the Facebook webhook,
 * thousands of deliveries a second) almost never writes a line. This stands in for the child
 * and builds the real one on the first call its level lets through, so such a request never
 * pays for it; every other request gets the same child as before, a moment later.
 */
class LazyChildLogger {
  #real: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: ParentLogger,
    private readonly bindings: Record<string, unknown>,
    private readonly options: { level?: string },
  ) {}

  get level(): string {
    return this.#real?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]) { this.write('fatal', args); }
  error(...args: unknown[]) { this.write('error', args); }
  warn(...args: unknown[]) { this.write('warn', args); }
  info(...args: unknown[]) { this.write('info', args); }
  debug(...args: unknown[]) { this.write('debug', args); }
  trace(...args: unknown[]) { this.write('trace', args); }
  silent() {}

  child(bindings: Record<string, unknown>, options?: object): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  isLevelEnabled(level: string): boolean {
    const values = this.parent.levels.values;
    return (values[level] ?? Infinity) >= (values[this.level] ?? 0);
  }

  private write(level: Level, args: unknown[]) {
    if (!this.isLevelEnabled(level)) return;
    (this.real()[level] as LogFn)(...args);
  }

  private real(): FastifyBaseLogger {
    this.#real ??= this.parent.child(this.bindings, this.options);
    return this.#real;
  }
}

/** Fastify's `childLoggerFactory`: see LazyChildLogger. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Record<string, unknown>, options: { level?: string }): FastifyBaseLogger {
  return new LazyChildLogger(logger as ParentLogger, bindings, options) as unknown as FastifyBaseLogger;
}
