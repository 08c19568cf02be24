import { benchFanout, type FanoutOptions } from './fanout.ts';

/**
 * Runs the fan-out benchmark in a process of its own: handlers keep their SDK clients for the
 * life of the process (as a Lambda container does), so each local runtime needs a fresh one,
 * and `npm run bench` has already run another runtime for the ping group.
 */
const options = JSON.parse(process.argv[2] ?? '{}') as FanoutOptions;
const figures = await benchFanout(options);
process.send?.(figures, () => process.exit(0));
