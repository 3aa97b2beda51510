// Calls `fn` once, at the first sign of a listener on the page: the pointer moving or pressed, a
// key, a touch, focus moving into it, a scroll. Work that only a listener needs (building the
// audio graph) then starts well before a click on Play lands, instead of holding up the page's
// main thread while it first appears.
const EVENTS = ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'focusin', 'wheel', 'scroll'];

let seen = false; // some listener's sign has come (any onFirstIntent's)

// Whether a listener has shown themselves yet.
export function intentSeen() {
  return seen;
}

export function onFirstIntent(fn, target = window) {
  let done = false;
  const handler = () => {
    if (done) return;
    done = true;
    seen = true;
    for (const type of EVENTS) target.removeEventListener(type, handler, true);
    fn();
  };
  for (const type of EVENTS) target.addEventListener(type, handler, { capture: true, passive: true });
  return handler; // calling it runs `fn` now (once)
}
