// Tone.js disposes every finished one-shot source (each drum hit, sampler note and ambience pass)
// from requestIdleCallback, with no deadline. A page that animates while it plays may go for
// minutes without an idle period, and every finished source (its native nodes and their wrappers)
// waits in memory until one comes: the long-session test (tests/test_long_session_browser.py) saw
// thousands pile up and the heap grow by about a megabyte a second. Giving idle callbacks a
// deadline (unless the caller set one) lets them run within a second at the latest.
const IDLE_DEADLINE_MS = 1000;

if (typeof window !== 'undefined' && typeof window.requestIdleCallback === 'function' && !window.requestIdleCallback.lofiDeadline) {
  const native = window.requestIdleCallback.bind(window);
  const withDeadline = (callback, options) => native(callback, { timeout: IDLE_DEADLINE_MS, ...options });
  withDeadline.lofiDeadline = true;
  window.requestIdleCallback = withDeadline;
}
