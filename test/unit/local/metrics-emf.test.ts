import { describe, expect, it } from 'vitest';
import { EmfParseError, parseEmfLine } from '../../../local/metrics/index.ts';

/** An EMF document as Powertools writes it, with overrides. */
const emf = (root: Record<string, unknown>, directive: Record<string, unknown> = {}) =>
  JSON.stringify({
    _aws: {
      Timestamp: 1_796_184_852_353,
      CloudWatchMetrics: [
        {
          Namespace: 'Wavelet',
          Dimensions: [['service', 'stage', 'action', 'outcome']],
          Metrics: [
            { Name: 'Frames', Unit: 'Count' },
            { Name: 'FrameLatency', Unit: 'Milliseconds' },
          ],
          ...directive,
        },
      ],
    },
    service: 'wavelet',
    stage: 'local',
    action: 'send',
    outcome: 'ok',
    Frames: 1,
    FrameLatency: [3, 5],
    ...root,
  });

describe('Function: parseEmfLine', () => {
  it('reads each metric with its unit, the first dimension set in order and every value', () => {
    expect(parseEmfLine(emf({}))).toEqual([
      {
        name: 'Frames',
        unit: 'Count',
        labels: [
          ['service', 'wavelet'],
          ['stage', 'local'],
          ['action', 'send'],
          ['outcome', 'ok'],
        ],
        values: [1],
      },
      {
        name: 'FrameLatency',
        unit: 'Milliseconds',
        labels: [
          ['service', 'wavelet'],
          ['stage', 'local'],
          ['action', 'send'],
          ['outcome', 'ok'],
        ],
        values: [3, 5],
      },
    ]);
  });

  it('takes the labels of the first dimension set only, and None for a metric without a unit', () => {
    const line = emf(
      { InboxDepth: 4 },
      { Dimensions: [['stage'], ['service', 'stage']], Metrics: [{ Name: 'InboxDepth' }] },
    );
    expect(parseEmfLine(line)).toEqual([
      { name: 'InboxDepth', unit: 'None', labels: [['stage', 'local']], values: [4] },
    ]);
  });

  it('reads every directive of a document, and a metric two directives share once', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          { Namespace: 'A', Dimensions: [['stage']], Metrics: [{ Name: 'RateLimited', Unit: 'Count' }] },
          { Namespace: 'A', Dimensions: [['stage']], Metrics: [{ Name: 'RateLimited', Unit: 'Count' }] },
          { Namespace: 'A', Dimensions: [], Metrics: [{ Name: 'InternalErrors', Unit: 'Count' }] },
        ],
      },
      stage: 'local',
      RateLimited: 2,
      InternalErrors: 1,
    });
    expect(parseEmfLine(line).map((s) => [s.name, s.labels, s.values])).toEqual([
      ['RateLimited', [['stage', 'local']], [2]],
      ['InternalErrors', [], [1]],
    ]);
  });

  it.each([
    ['text that is not JSON', 'Frames=1'],
    ['JSON that is not an object', '[1,2]'],
    ['a document without _aws', JSON.stringify({ Frames: 1 })],
    ['CloudWatchMetrics that is not an array', JSON.stringify({ _aws: { CloudWatchMetrics: {} } })],
    ['a directive without Metrics', emf({}, { Metrics: undefined })],
    ['a metric without a name', emf({}, { Metrics: [{ Unit: 'Count' }] })],
    ['a unit that is not a string', emf({}, { Metrics: [{ Name: 'Frames', Unit: 3 }] })],
    ['a metric with no value at the root', emf({ Frames: undefined })],
    ['a value that is a string', emf({ Frames: '1' })],
    ['an empty array of values', emf({ FrameLatency: [] })],
    ['an array holding a non-number', emf({ FrameLatency: [3, null] })],
    ['a dimension with no value', emf({ outcome: undefined })],
    ['a dimension whose value is a number', emf({ outcome: 200 })],
    ['a dimension set that is not an array', emf({}, { Dimensions: ['stage'] })],
  ])('refuses %s with an EmfParseError', (_, line) => {
    expect(() => parseEmfLine(line)).toThrow(EmfParseError);
  });
});
