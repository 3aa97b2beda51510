// Entry point bundled by the builder (esbuild, ESM) into dist/assets/app.js.

import { createStatus } from './status.js';
import { createLofi } from './api.js';
import { createVisualizer } from './visualizer.js';
import { bindUi } from './ui.js';
import { bindKeepShare } from './keepshare_ui.js';

const status = createStatus();

// A broken visualizer must not take the player down with it.
let visualizer = null;
try {
  const container = document.getElementById('visualizer');
  if (container) visualizer = createVisualizer(container);
} catch (err) {
  status.set('visualizer', 'warn', `Visualizer unavailable: ${err.message}`);
}

const lofi = createLofi({ status, visualizer });
window.lofi = lofi;

bindUi(lofi, status);
bindKeepShare(lofi, status); // issue 7: chords, mood, downloads, recording, share link, updates

// Last-resort reporting, so no failure is silent.
window.addEventListener('unhandledrejection', (event) => {
  status.set('page', 'error', String(event.reason?.message ?? event.reason));
});
