/**
 * One EMF document as the functions write it (`stage: local` and `root`'s dimension values and
 * metric values at the root), for tests of the local metrics registry and the dashboard.
 */
export const emfLine = (
  metrics: { Name: string; Unit?: string }[],
  root: Record<string, unknown>,
  dims: string[] = ['stage'],
): string =>
  JSON.stringify({
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [{ Namespace: 'Wavelet', Dimensions: [dims], Metrics: metrics }],
    },
    stage: 'local',
    ...root,
  });
