import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const freePort = () => new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

const round = (ms: number) => Math.round(ms * 10) / 10;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * The API under load: `vrn serve` in its own process (so the load generator does not share its event loop), then
 * autocannon with 50 connections on the measures and profile routes. Every request is authenticated, authorised
 * and audited as usual; products are cached per catalog version, so this measures repeated reads. The first
 * (uncached) request of each route is timed on its own.
 */
export async function benchApi(options: { dataDir?: string; seconds: number; connections?: number }) {
  const own = options.dataDir ? null : mkdtempSync(join(tmpdir(), 'vrn-bench-api-'));
  const dataDir = options.dataDir ?? own!;
  const port = await freePort();
  const server = spawn('node', ['--max-semi-space-size=64', 'functions/cli/vrn.js', 'serve', '--port', String(port), '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('VRN data service on')) resolve(); });
      server.on('exit', (code) => reject(new Error(`vrn serve exited with ${code}`)));
    });
    const token = (user: string) => execFileSync('node', ['functions/cli/vrn.js', 'token', '--user', user, '--data-dir', dataDir], { encoding: 'utf8' }).trim();
    const routes = [
      { name: 'GET /v1/measures', path: '/v1/measures?period=2024-25', user: 'performance-lead' },
      { name: 'GET /v1/localities/{slug}/profile', path: '/v1/localities/charnwood/profile?period=2024-25', user: 'charnwood-csp' },
    ];
    const results = [];
    for (const route of routes) {
      const url = `http://127.0.0.1:${port}${route.path}`;
      const headers = { authorization: `Bearer ${token(route.user)}` };
      const started = performance.now();
      const first = await fetch(url, { headers });
      if (first.status !== 200) throw new Error(`${route.name} answered ${first.status}`);
      await first.arrayBuffer();
      const coldMs = performance.now() - started;
      const latencies: number[] = [];
      const instance = autocannon({ url, headers, connections: options.connections ?? 50, duration: options.seconds });
      instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
      const result = await instance;
      latencies.sort((a, b) => a - b);
      results.push({
        route: route.name, connections: options.connections ?? 50, seconds: options.seconds,
        first_request_ms: Math.round(coldMs), requests_per_s: Math.round(result.requests.average),
        p50_ms: round(percentile(latencies, 50)), p95_ms: round(percentile(latencies, 95)), p99_ms: round(percentile(latencies, 99)),
        non_2xx: result.non2xx, errors: result.errors,
      });
    }
    return results;
  } finally {
    server.kill('SIGTERM');
    if (own) rmSync(own, { recursive: true, force: true });
  }
}
