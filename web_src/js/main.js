// Entry point bundled by the builder (esbuild, ESM) into dist/assets/app.js.

import { createStatus } from './status.js';
import { createLofi } from './api.js';
import { onFirstIntent } from './intent.js';
import { bindUi } from './ui.js';
import { bindKeepShare } from './keepshare_ui.js';

const status = createStatus();

// The visualizer is p5, about half of the page's JavaScript: it comes from its own chunk at the
// first sign of a listener (or the first play), so the page appears and answers without waiting
// for it. Notes played before it is there are not drawn.
let visualizer = null;
let visualizerRequested = false;
function loadVisualizer() {
  const container = document.getElementById('visualizer');
  if (visualizerRequested || !container) return;
  visualizerRequested = true;
  import('./visualizer.js')
    .then(({ createVisualizer }) => {
      visualizer = createVisualizer(container);
    })
    .catch((err) => {
      // A broken visualizer must not take the player down with it.
      status.set('visualizer', 'warn', `Visualizer unavailable: ${err.message}`);
    });
}
const drawing = {
  note: (...args) => visualizer?.note(...args),
  drum: (...args) => visualizer?.drum(...args),
};

const lofi = createLofi({ status, visualizer: drawing });
window.lofi = lofi;
onFirstIntent(loadVisualizer);
lofi.on('state', (state) => state.playing && loadVisualizer());

bindUi(lofi, status);
bindKeepShare(lofi, status); // issue 7: chords, mood, downloads, recording, share link, updates

// Last-resort reporting, so no failure is silent.
window.addEventListener('unhandledrejection', (event) => {
  status.set('page', 'error', String(event.reason?.message ?? event.reason));
});
