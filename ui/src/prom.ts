// The Prometheus text format of /metrics, read in the browser: the dashboard computes rates and
// percentiles from successive scrapes, so the server keeps no state for it and the request path
// does nothing more than count, as it does anyway.
export type Labels = Record<string, string>;
export interface Sample {
  labels: Labels;
  value: number;
}
export type Scrape = Map<string, Sample[]>;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Labels = {};
    if (m[2]) {
      for (const l of m[2].matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    }
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    let list = out.get(m[1]);
    if (!list) out.set(m[1], (list = []));
    list.push({ labels, value });
  }
  return out;
}

export function samples(s: Scrape, name: string, where: (l: Labels) => boolean = () => true): Sample[] {
  return (s.get(name) ?? []).filter((x) => where(x.labels));
}

export function total(s: Scrape, name: string, where?: (l: Labels) => boolean): number {
  return samples(s, name, where).reduce((a, x) => a + x.value, 0);
}

// Sums by one label: {value of label -> sum}.
export function byLabel(s: Scrape, name: string, label: string, where?: (l: Labels) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const x of samples(s, name, where)) {
    const k = x.labels[label] ?? '';
    out.set(k, (out.get(k) ?? 0) + x.value);
  }
  return out;
}

// A histogram's cumulative buckets, summed over every series: [upper bound, count] ascending.
export function buckets(s: Scrape, name: string): [number, number][] {
  const sums = new Map<number, number>();
  for (const x of samples(s, `${name}_bucket`)) {
    const le = x.labels.le === '+Inf' ? Infinity : Number(x.labels.le);
    sums.set(le, (sums.get(le) ?? 0) + x.value);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]);
}

// The q-quantile of what a histogram counted between two scrapes (older may be null: since the
// start), interpolated inside its bucket as Prometheus' histogram_quantile does. null when the
// window counted nothing.
export function quantile(q: number, newer: [number, number][], older: [number, number][] | null): number | null {
  const before = new Map(older ?? []);
  const delta = newer.map(([le, n]) => [le, n - (before.get(le) ?? 0)] as [number, number]);
  const count = delta.length ? delta[delta.length - 1][1] : 0;
  if (count <= 0) return null;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, n] of delta) {
    if (n >= rank) {
      if (!Number.isFinite(le)) return lowerBound;  // past the last bound: the last bound is all we know
      const inBucket = n - lowerCount;
      return inBucket <= 0 ? le : lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = le;
    lowerCount = n;
  }
  return lowerBound;
}
