import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per container; Powertools reads POWERTOOLS_* itself (service name, level, dev mode). */
export const logger = new Logger({ serviceName: 'wavelet' });
