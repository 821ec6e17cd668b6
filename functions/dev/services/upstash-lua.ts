// Upstash's Lua shebang flags on open-source Redis: @upstash/ratelimit scripts start with
// `#!lua flags=allow-key-locking`, which Redis 7 rejects; the flag is stripped and the client's shas kept.
import { createHash } from 'node:crypto';
import type { RawReply } from './upstash-commands.js';

/** Shebang flags only Upstash understands; open-source Redis rejects the whole script for them. */
const UPSTASH_ONLY_SCRIPT_FLAGS = new Set(['allow-key-locking']);

export interface PreparedCommand {
  args: string[];
  /** Rewrites the reply, e.g. SCRIPT LOAD answers with the sha the client computed. */
  mapReply?: (reply: RawReply) => RawReply;
}

/** Strips Upstash-only shebang flags and keeps shas consistent with what the client computed. */
export class LuaShebangCompat {
  /** sha1(original script) -> sha1(script as sent to Redis), only for scripts we changed. */
  private readonly shaMap = new Map<string, string>();

  prepare(args: string[]): PreparedCommand {
    const [name, ...rest] = args;
    switch (name) {
      case 'EVAL':
      case 'EVAL_RO':
        return rest.length > 0 ? { args: [name, this.register(rest[0]), ...rest.slice(1)] } : { args };
      case 'EVALSHA':
      case 'EVALSHA_RO':
        return rest.length > 0 ? { args: [name, this.translate(rest[0]), ...rest.slice(1)] } : { args };
      case 'SCRIPT':
        return this.prepareScript(args);
      default:
        return { args };
    }
  }

  private prepareScript(args: string[]): PreparedCommand {
    const subcommand = (args[1] ?? '').toUpperCase();
    if (subcommand === 'LOAD' && args.length === 3) {
      const originalSha = sha1(args[2]);
      return { args: ['SCRIPT', 'LOAD', this.register(args[2])], mapReply: () => Buffer.from(originalSha) };
    }
    if (subcommand === 'EXISTS') {
      return { args: ['SCRIPT', 'EXISTS', ...args.slice(2).map((sha) => this.translate(sha))] };
    }
    if (subcommand === 'FLUSH') {
      return {
        args,
        mapReply: (reply) => {
          this.shaMap.clear();
          return reply;
        },
      };
    }
    return { args };
  }

  /** Returns the script to send to Redis, remembering the sha mapping when it differs. */
  private register(script: string): string {
    const compatible = stripUpstashFlags(script);
    if (compatible !== script) this.shaMap.set(sha1(script), sha1(compatible));
    return compatible;
  }

  private translate(sha: string): string {
    return this.shaMap.get(sha.toLowerCase()) ?? sha;
  }
}

/** `#!lua flags=allow-key-locking,no-writes` -> `#!lua flags=no-writes`; any other script untouched. */
export function stripUpstashFlags(script: string): string {
  const shebang = /^#!lua([^\n]*)/.exec(script);
  if (!shebang) return script;
  let removed = false;
  const options = shebang[1]
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((option) => {
      if (!option.startsWith('flags=')) return [option];
      const flags = option.slice('flags='.length).split(',');
      const kept = flags.filter((flag) => !UPSTASH_ONLY_SCRIPT_FLAGS.has(flag));
      removed ||= kept.length !== flags.length;
      // An empty `flags=` is dropped: a bare `#!lua` means "no flags" to Redis.
      return kept.length > 0 ? [`flags=${kept.join(',')}`] : [];
    });
  // The first line keeps its place, so Lua error line numbers still match the client's script.
  return removed ? ['#!lua', ...options].join(' ') + script.slice(shebang[0].length) : script;
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}
