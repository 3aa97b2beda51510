// The session log (lofi.timeline()): every layer event with its bar, which the tests read to check
// where each layer started and looped. A session logs about 7 events a second (420 a minute at
// 75 bpm with drums, chords and a melody) for as long as it plays, so the log keeps the newest
// LOG_LIMIT (about ten minutes of that) and drops the oldest quarter at once when it is full: one
// splice per 1,024 events rather than a shift per event. A song taking over keeps the same log.

export const LOG_LIMIT = 4096;

export function appendToLog(log, entry, limit = LOG_LIMIT) {
  if (log.length >= limit) log.splice(0, Math.max(1, Math.floor(limit / 4)));
  log.push(entry);
  return log;
}
