export { type LocalS3, type StartS3Options, startS3 } from './start-s3.ts';
