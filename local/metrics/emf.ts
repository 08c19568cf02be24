/**
 * One metric of an EMF document: its name, unit, the dimensions of its first dimension set with
 * their values (in the set's order), and every value the document carries for it.
 */
export interface EmfSample {
  readonly name: string;
  /** `Count`, `Milliseconds`, `None`, …; `None` when the document names no unit (EMF's default). */
  readonly unit: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly values: readonly number[];
}

/** Why a line is not an EMF document this runtime can read. */
export class EmfParseError extends Error {
  override readonly name = 'EmfParseError';
}

/**
 * Parses one line of CloudWatch embedded metric format, generically: for each directive of
 * `_aws.CloudWatchMetrics`, each metric of `Metrics` with the value at the document's root (a
 * number or an array of numbers) and the values of the first dimension set's names, also at the
 * root. Throws an {@link EmfParseError} on anything else, so that a malformed line adds nothing
 * rather than part of itself.
 *
 * @example
 * parseEmfLine('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"Wavelet",' +
 *   '"Dimensions":[["stage"]],"Metrics":[{"Name":"Frames","Unit":"Count"}]}]},"stage":"local","Frames":1}');
 * // [{ name: 'Frames', unit: 'Count', labels: [['stage', 'local']], values: [1] }]
 */
export function parseEmfLine(line: string): EmfSample[] {
  let document: unknown;
  try {
    document = JSON.parse(line);
  } catch {
    throw new EmfParseError('not JSON');
  }
  if (!isRecord(document)) throw new EmfParseError('not a JSON object');
  const aws = document._aws;
  if (!isRecord(aws) || !Array.isArray(aws.CloudWatchMetrics))
    throw new EmfParseError('no _aws.CloudWatchMetrics array');

  const samples: EmfSample[] = [];
  const seen = new Set<string>();
  for (const directive of aws.CloudWatchMetrics) {
    if (!isRecord(directive) || !Array.isArray(directive.Metrics))
      throw new EmfParseError('a directive without a Metrics array');
    const labels = labelsOf(document, directive.Dimensions);
    for (const metric of directive.Metrics) {
      if (!isRecord(metric) || typeof metric.Name !== 'string' || metric.Name === '')
        throw new EmfParseError('a metric without a Name');
      const unit = metric.Unit ?? 'None';
      if (typeof unit !== 'string') throw new EmfParseError(`metric ${metric.Name}: Unit is not a string`);
      const values = valuesOf(metric.Name, document[metric.Name]);
      // Two directives may name one metric with one dimension set: the value is still one.
      const key = JSON.stringify([metric.Name, labels]);
      if (seen.has(key)) continue;
      seen.add(key);
      samples.push({ name: metric.Name, unit, labels, values });
    }
  }
  return samples;
}

function labelsOf(document: Record<string, unknown>, dimensions: unknown): [string, string][] {
  if (dimensions === undefined) return [];
  if (!Array.isArray(dimensions)) throw new EmfParseError('Dimensions is not an array');
  const [first = []] = dimensions;
  if (!Array.isArray(first)) throw new EmfParseError('a dimension set is not an array');
  return first.map((name: unknown) => {
    if (typeof name !== 'string') throw new EmfParseError('a dimension name is not a string');
    const value = document[name];
    if (typeof value !== 'string') throw new EmfParseError(`dimension ${name} has no string value`);
    return [name, value];
  });
}

function valuesOf(name: string, raw: unknown): number[] {
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new EmfParseError(`metric ${name} has no value`);
  for (const value of values)
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new EmfParseError(`metric ${name} has a value that is not a finite number`);
  return values as number[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
