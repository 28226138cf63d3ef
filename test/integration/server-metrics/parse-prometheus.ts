/** One sample line of the Prometheus text format: name{labels} value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  help?: string;
  type?: string;
}

export interface Exposition {
  families: Map<string, Family>;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels in: ${line}`);
    labels[m[1]!] = unescape(m[2]!);
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // prom-client writes NaN as 'Nan' (an idle event-loop histogram); Prometheus parses floats
  // with Go's ParseFloat, which takes any case.
  if (text.toLowerCase() === 'nan') return NaN;
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`bad value in: ${line}`);
  return n;
}

/** Parses a whole exposition, throwing on any line that is not valid text format. */
export function parsePrometheus(text: string): Exposition {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = {}));
    return f;
  };
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]!).help = meta[3];
      else family(meta[2]!).type = meta[3];
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    samples.push({
      name: m[1]!,
      labels: m[2] ? parseLabels(m[2], line) : {},
      value: parseValue(m[3]!, line),
    });
  }
  return { families, samples };
}

/** Samples of that exact name whose labels include every given pair. */
export function select(exp: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exp.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The single sample of that name and labels (throws if there is not exactly one). */
export function value(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = select(exp, name, labels);
  if (found.length !== 1)
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}, expected 1`);
  return found[0]!.value;
}

/** The sample value or 0 when the series does not exist yet. */
export function valueOr0(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = select(exp, name, labels);
  return found.length === 1 ? found[0]!.value : 0;
}

/** The le labels of a histogram's buckets for one label set, in output order. */
export function bucketBounds(exp: Exposition, name: string, labels: Record<string, string> = {}): string[] {
  return select(exp, `${name}_bucket`, labels).map((s) => s.labels.le!);
}
