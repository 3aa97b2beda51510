// Entry point bundled by the builder (esbuild, ESM) into dist/assets/app.js. It only fetches the
// page's script (page.js, a chunk of its own) once the page has painted: the first screen (the
// scene's still backdrop, the title, the dock) is plain HTML and CSS and never waits for script.
// Otherwise a fast connection brings the script in before the first frame and the page stays
// blank while it runs; on a phone that was most of the time to the largest paint.

// A Play pressed before the page's script has arrived is not lost: it is remembered, brings the
// script at once, and is pressed again for the listener once the script's own handlers are there.
const playButton = document.getElementById('play');
let playPressedEarly = false;
function pressedEarly() {
  playPressedEarly = true;
  start();
}
playButton?.addEventListener('click', pressedEarly);

let started = false;
function start() {
  if (started) return;
  started = true;
  import('./page.js')
    .then(() => {
      playButton?.removeEventListener('click', pressedEarly);
      if (playPressedEarly) playButton.click();
    })
    .catch((err) => {
      const status = document.getElementById('status');
      if (status) status.textContent = `The player could not load (${err.message}): reload the page to try again.`;
    });
}
// After the first frame has been drawn (a callback of the next one comes after it); a tab opened in
// the background draws no frames, so a timer stands in, late enough not to come before the first
// frame of a busy phone.
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(start, 0)));
setTimeout(start, 1000);
