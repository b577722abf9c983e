import { defaultEngine, type EngineName } from '../../analytics/engine.ts';
import type { Platform } from '../platform/platform.ts';
import { products, type ProductRegistry } from './registry.ts';
import { renderProduct, runProduct, type ProductFormat, type ProductRequest, type ProductResult, type RenderedProduct } from './service.ts';
import { productsVersion } from '../linkage/people.ts';
import { exportAbout } from './about.ts';

/**
 * Products cached per version of what they read (the catalog, the review decisions, the stored people): a repeated
 * read costs three etag checks (HEAD requests in S3); a new extract, decision or linking run changes the version and empties the cache.
 * Requests computing the same product at once share one computation.
 */
export class ProductCache {
  private version = '';
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly platform: Platform, private readonly engine: EngineName = defaultEngine.request, private readonly maxEntries = 200,
    readonly registry: ProductRegistry = products) {}

  result<P extends ProductRequest>(request: P): Promise<ProductResult<P['product']>>;
  result(request: { product: string }): Promise<unknown>;
  result(request: { product: string }): Promise<unknown> {
    return this.keyOf(request).then((key) => this.cached(key, () => runProduct(this.platform, this.engine, request, this.registry)));
  }

  rendered(request: { product: string }, format: ProductFormat): Promise<RenderedProduct> {
    return this.keyOf(request).then((key) => this.cached(`${key}|${format}`, async () => renderProduct(request, await this.result(request), format, this.platform.deployment, this.registry, await exportAbout(this.platform, request))));
  }

  /** The request, and the versions of what else it reads (a panel's decisions), when the product says it reads any. */
  private async keyOf(request: { product: string }): Promise<string> {
    const stored = this.registry.find((p) => p.name === request.product)?.stored?.(request) ?? [];
    const versions = await Promise.all(stored.map(async (key) => (await this.platform.storage.etag(key)) ?? 'none'));
    return [JSON.stringify(request), ...versions].join('|');
  }

  private async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const version = await productsVersion(this.platform);
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    let entry = this.entries.get(key) as Promise<T> | undefined;
    if (entry) {
      this.entries.delete(key); // most recently used last
    } else {
      entry = compute();
      const computing = entry;
      computing.catch(() => { if (this.entries.get(key) === computing) this.entries.delete(key); }); // failures are not cached
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, entry);
    return entry;
  }
}
