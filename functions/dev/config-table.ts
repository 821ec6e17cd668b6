// Prints the configuration table from the declared params and secrets (platform/config/settings.ts, secrets.ts),
// so the manual cannot drift from the code: `npx tsx dev/config-table.ts`. A unit test checks that the
// README lists every name.
import { SECRETS, settingParams } from '../src/lib/platform/config/index.js';

interface ParamLike {
  name: string;
  options: { default?: unknown; description?: string };
}

export function configRows(): Array<{ name: string; kind: 'secret' | 'param'; default: string; description: string }> {
  const secrets = Object.values(SECRETS as Record<string, ParamLike>).map((param) => ({
    name: param.name,
    kind: 'secret' as const,
    default: '',
    description: param.options.description ?? '',
  }));
  const params = settingParams().map((param) => ({
    name: param.name,
    kind: 'param' as const,
    default: param.options.default === undefined || param.options.default === '' ? '' : String(param.options.default),
    description: param.options.description ?? '',
  }));
  return [...secrets, ...params];
}

export function configTableMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const lines = ['| name | kind | default | meaning |', '|---|---|---|---|'];
  for (const row of configRows()) {
    const value = row.default === '' ? '' : `\`${escape(row.default)}\``;
    lines.push(`| \`${row.name}\` | ${row.kind} | ${value} | ${escape(row.description)} |`);
  }
  return lines.join('\n');
}

if (require.main === module) console.log(configTableMarkdown());
