import { writeFileSync } from 'node:fs';
import { engineNamed, engineNames } from '../../analytics/engine.ts';
import type { Platform } from '../platform/platform.ts';
import type { Product, ProductFormat } from '../products/product.ts';
import type { ProductRegistry } from '../products/registry.ts';
import { ProductRequestError, renderProduct, runProduct } from '../products/service.ts';
import { optional, UsageError, type ParsedArgs } from './args.ts';
import { exportAbout } from '../products/about.ts';
import { wrote } from './output.ts';

type Flags = ParsedArgs['flags'];

/** The usage lines of every product's command, from the registry. */
export const productUsage = (registry: ProductRegistry) => registry.map((p) =>
  `  ${p.cli.command.padEnd(7)} ${p.cli.usage} [--engine ${engineNames.join('|')}] [--format ${p.formats.join('|')}] [--out FILE]\n${' '.repeat(49)}${p.cli.help}`).join('\n');

/** The product a command names, if any. */
export const productCommand = (registry: ProductRegistry, command: string) => registry.find((p) => p.cli.command === command);

/** Runs a product on the chosen engine and writes it as JSON, CSV (one table), XLSX (a sheet per table) or HTML. */
export async function runProductCommand(platform: Platform, product: Product, flags: Flags, registry: ProductRegistry) {
  const request = product.cli.request(flags);
  const engineName = engineNamed(optional(flags, 'engine'), 'request', '--engine'); // an unknown name is a usage error (main.ts)
  const format = (optional(flags, 'format') ?? product.formats[0]) as ProductFormat;
  if (!product.formats.includes(format)) throw new UsageError(`--format must be one of ${product.formats.join(', ')}`);
  const out = optional(flags, 'out');
  if (format === 'xlsx' && !out) throw new UsageError('--format xlsx needs --out FILE');
  try {
    const { body } = await renderProduct(request, await runProduct(platform, engineName, request, registry), format, platform.deployment, registry, await exportAbout(platform, request));
    if (out) {
      writeFileSync(out, body);
      wrote(out, `the ${request.product} as ${format.toUpperCase()} (${body.length.toLocaleString('en-GB')} ${typeof body === 'string' ? 'characters' : 'bytes'})`);
    } else process.stdout.write(body);
    return 0;
  } catch (error) {
    if (error instanceof ProductRequestError) throw new UsageError(error.message);
    throw error;
  }
}
