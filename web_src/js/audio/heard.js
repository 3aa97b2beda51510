// Calls back when a scheduled sound is heard: the scene's notes, the ambience and the quote. This
// is what Tone.Draw does, but Tone.Draw polls on requestAnimationFrame for as long as anything is
// queued, and while music plays something always is: the page then asked for a frame 60 times a
// second all session long (the scene draws at 12), which costs the main thread and the compositor
// more than the scene itself. Here one timer waits for the next due callback.
//
// As with Tone.Draw: a callback runs `ANTICIPATION` s before its audio time, and one found more than
// `EXPIRATION` s late (a hidden tab's timers run once a second at most) is dropped, not run late.

const ANTICIPATION = 0.008;
const EXPIRATION = 0.25;
// While the audio clock stands still (the context paused or not yet allowed to run), look again
// this often instead of waiting on a clock that does not move.
const STILL_POLL_MS = 250;

// `clock()`: the audio context's current time, in seconds; `running()`: whether it advances.
export function createHeard({ clock, running, setTimer = setTimeout, clearTimer = clearTimeout }) {
  let queue = []; // [{time, callback}], sorted by time
  let timer = null;

  function arm() {
    if (timer !== null) clearTimer(timer);
    timer = null;
    if (!queue.length) return;
    const wait = running() ? Math.max(0, (queue[0].time - ANTICIPATION - clock()) * 1000) : STILL_POLL_MS;
    timer = setTimer(fire, wait);
  }

  function fire() {
    timer = null;
    const now = clock();
    while (queue.length && queue[0].time - ANTICIPATION <= now) {
      const { time, callback } = queue.shift();
      if (now - time > EXPIRATION) continue;
      try {
        callback();
      } catch (err) {
        console.error(err); // one listener's error must not stop the rest
      }
    }
    arm();
  }

  return {
    // Runs `callback` when the audio clock reaches `time` (seconds).
    schedule(callback, time) {
      let i = queue.length;
      while (i > 0 && queue[i - 1].time > time) i -= 1;
      queue.splice(i, 0, { time, callback });
      if (i === 0) arm();
    },
    // Drops every callback not yet run.
    cancel() {
      queue = [];
      arm();
    },
    get size() {
      return queue.length;
    },
  };
}
