/**
 * Prometheus metrics of one server: requests by route and status, latency, match queries and
 * hits, and the size of the match index. Each server owns its registry (no global state), so
 * tests can run several servers in one process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: fine below 20 ms, where the match target lies. */
const LATENCY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export class HttpMetrics {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'khien_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: 'khien_http_request_duration_seconds',
    help: 'Time from request received to response sent, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly queries = new Counter({
    name: 'khien_match_queries_total',
    help: 'Signals queried through the match endpoint.',
    registers: [this.registry],
  });

  private readonly hits = new Counter({
    name: 'khien_match_hits_total',
    help: 'Matches returned by the match endpoint (after visibility and allow-lists).',
    registers: [this.registry],
  });

  /** @param indexSize reads the number of signals in the match index when scraped. */
  constructor(indexSize: () => number) {
    new Gauge({
      name: 'khien_index_signals',
      help: 'Signals currently in the in-memory match index.',
      registers: [this.registry],
      collect() {
        this.set(indexSize());
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'khien_' });
  }

  /** Records one answered request; `route` is the pattern (`/v1/banks/:bankId`), not the URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  /** Records one match request's query count and hit count. */
  observeMatch(queries: number, hits: number): void {
    this.queries.inc(queries);
    if (hits > 0) this.hits.inc(hits);
  }

  /** The text exposition format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
