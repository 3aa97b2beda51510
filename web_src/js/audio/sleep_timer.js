// The sleep timer: after a set time the music fades out and pauses, for a listener who falls asleep
// to it or studies to a set hour. The time counts on the wall clock from when it is set, as a
// phone's does. The fade is on the page's output (Tone's Destination), below every volume the
// listener set, so those stay as they were; the level comes back, softly, with the next resume.

import { Tone } from './tone.js';

export const SLEEP_FADE_SECONDS = 30;
export const SLEEP_MAX_MINUTES = 24 * 60;
const SILENT_DB = -60;
const COME_BACK_SECONDS = 1.5;

// isPlaying(): whether music is heard now (playing and not paused); pause(): pauses it (a promise);
// onChange({fired}): the timer was set, cleared or ran out (fired: it paused the music).
export function createSleepTimer({ isPlaying, pause, onChange = () => {} }) {
  let endsAt = null;
  let fadeSeconds = 0;
  let fading = false;
  let timers = [];

  const volume = () => (Tone ? Tone.getDestination().volume : null);
  function clearTimers() {
    for (const timer of timers) clearTimeout(timer);
    timers = [];
  }
  // Full level again, faded in over a moment from wherever the fade had got to. On a suspended
  // (paused) context the ramp waits for the resume, so the music comes back softly.
  function restoreLevel() {
    const param = volume();
    if (!param || !fading) return;
    fading = false;
    const now = Tone.now();
    param.cancelScheduledValues(now);
    param.rampTo(0, COME_BACK_SECONDS, now);
  }

  // The pause waits for the whole fade, counted from when it began: a busy page that starts the
  // fade late still fades before it pauses.
  function fadeOut() {
    const param = volume();
    if (!param || !isPlaying()) {
      runOut();
      return;
    }
    fading = true;
    param.rampTo(SILENT_DB, fadeSeconds);
    timers = [setTimeout(runOut, fadeSeconds * 1000)];
  }

  async function runOut() {
    endsAt = null;
    clearTimers();
    let fired = isPlaying();
    try {
      if (fired) await pause();
    } catch (err) {
      fired = false; // a timer's callback has no caller to throw to: say so, and leave the music be
      console.warn(`lofi: the sleep timer could not pause: ${err.message}`);
    }
    restoreLevel();
    onChange({ fired });
  }

  // minutes: a number of minutes (fractions allowed) up to a day; null, undefined, 0 or '' turn it
  // off. Returns info().
  function set(minutes) {
    const off = minutes === null || minutes === undefined || minutes === '' || Number(minutes) === 0;
    const value = Number(minutes);
    if (!off && !(value > 0 && value <= SLEEP_MAX_MINUTES)) {
      throw new Error(`a sleep timer is up to ${SLEEP_MAX_MINUTES} minutes (0 or null turns it off)`);
    }
    clearTimers();
    restoreLevel();
    endsAt = null;
    if (!off) {
      const totalMs = value * 60_000;
      // A short timer fades over its last third, so it is still heard at full level first.
      fadeSeconds = Math.min(SLEEP_FADE_SECONDS, totalMs / 3000);
      endsAt = Date.now() + totalMs;
      timers = [setTimeout(fadeOut, totalMs - fadeSeconds * 1000)];
    }
    onChange({ fired: false });
    return info();
  }

  // {endsAt (ms since the epoch), remainingMs, fading} while set, else null.
  function info() {
    if (endsAt === null) return null;
    return { endsAt, remainingMs: Math.max(0, endsAt - Date.now()), fading };
  }

  return { set, info };
}
