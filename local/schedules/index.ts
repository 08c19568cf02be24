export { toScheduledEvent } from './scheduled-event.ts';
export { type LocalSchedule, type StartScheduleOptions, startSchedule } from './start-schedule.ts';
