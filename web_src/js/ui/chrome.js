// The page's chrome: the settings sheet, and the calm that lets the scene alone be seen.
//
// The settings are one sheet, closed at first, opened and closed by the dock's Settings button
// (or closed with Escape); open, it fills the room between the title and the dock and scrolls there,
// so the page is never taller than the screen.
//
// While music plays and nobody touches anything, the title and the dock fade out after a few
// seconds (body.chrome-resting); any pointer movement, touch, wheel or key brings them back at once.
// They stay while paused or stopped, while the settings are open, and while the keyboard's focus is
// in the dock (a keyboard user must see where they are). The delay is the body's data-idle-ms
// (milliseconds), read each time, so a test can shorten it.

const DEFAULT_IDLE_MS = 5000;
const WAKERS = ['pointermove', 'pointerdown', 'wheel', 'keydown', 'touchstart'];

export function bindChrome(lofi, { body = document.body, dock, sheet, toggle }) {
  let timer = null;
  let keyboardLast = false; // the last input was a key: the focus shown in the dock must stay seen

  const resting = () => body.classList.contains('chrome-resting');
  const idleMs = () => {
    const ms = Number(body.dataset.idleMs);
    return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_IDLE_MS;
  };
  const playing = () => {
    const { playing: on, paused } = lofi.state();
    return Boolean(on) && !paused;
  };
  const mayRest = () => playing() && sheet.hidden && !(keyboardLast && dock.contains(document.activeElement));

  function wake() {
    body.classList.remove('chrome-resting');
    clearTimeout(timer);
    timer = null;
    if (mayRest()) timer = setTimeout(rest, idleMs());
  }
  function rest() {
    timer = null;
    if (mayRest()) body.classList.add('chrome-resting');
  }

  for (const type of WAKERS) {
    document.addEventListener(
      type,
      (event) => {
        if (type === 'keydown') keyboardLast = true;
        else if (type === 'pointerdown') keyboardLast = false;
        // A touch on chrome nobody can see only brings it back: it must not press an unseen button.
        if (type === 'pointerdown' && event.pointerType === 'touch' && resting()) swallowNextClick();
        wake();
      },
      { capture: true, passive: type !== 'keydown' && type !== 'pointerdown' },
    );
  }
  document.addEventListener('focusin', wake, true);
  lofi.on('state', wake);
  // Something new to act on in the dock (an alert, the update button shown) is shown, not faded;
  // the words that change every bar (what plays, the position) are not.
  // The alerts are redrawn at each status change: only new words wake the chrome.
  const alerts = dock.querySelector('#alerts');
  const update = dock.querySelector('#update');
  let said = alerts?.textContent ?? '';
  const news = new MutationObserver(() => {
    const now = alerts?.textContent ?? '';
    const fresh = now !== said && now !== '';
    said = now;
    if (fresh || (update && !update.hidden)) wake();
  });
  if (alerts) news.observe(alerts, { childList: true });
  if (update) news.observe(update, { attributes: true, attributeFilter: ['hidden'] });

  function swallowNextClick() {
    const swallow = (event) => {
      event.preventDefault();
      event.stopPropagation();
    };
    document.addEventListener('click', swallow, { capture: true, once: true });
    // A touch that was a scroll or a drag makes no click: the next real tap must not be lost.
    setTimeout(() => document.removeEventListener('click', swallow, { capture: true }), 600);
  }

  function setOpen(open) {
    sheet.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    wake();
  }
  toggle.addEventListener('click', () => setOpen(sheet.hidden));
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || sheet.hidden) return;
    const inside = sheet.contains(document.activeElement);
    setOpen(false);
    if (inside) toggle.focus(); // the focus must not be left on a control that is gone
  });
  // A fold inside opened by the page (a setting that stops a Play is shown in its fold) opens the
  // sheet too: a message that points at a field must find it on screen.
  new MutationObserver((changes) => {
    if (sheet.hidden && changes.some((c) => c.target.open)) setOpen(true);
  }).observe(sheet, { subtree: true, attributes: true, attributeFilter: ['open'] });
  // The sheet may have been opened before this script came (its state is the markup's).
  toggle.setAttribute('aria-expanded', String(!sheet.hidden));

  return { wake, setOpen, isOpen: () => !sheet.hidden };
}
