export { EmfParseError, type EmfSample, parseEmfLine } from './emf.ts';
export { expositionContentType, type FamilySnapshot, formatExposition } from './exposition.ts';
export { familyOf, millisecondBuckets, sizeBuckets } from './families.ts';
export { metricsRoute } from './metrics-route.ts';
export { MetricsRegistry, rejectedFamily } from './registry.ts';
export { installMetricsSink } from './sink.ts';
