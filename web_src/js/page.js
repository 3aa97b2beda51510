// The page's script, fetched by main.js once the page has painted: window.lofi, and the page's
// parts wired to it (ui/: the track and transport, the sound, the status line, the panels).

import { createStatus } from './ui/status.js';
import { createLofi } from './api.js';
import { createSceneHandle } from './ui/scene_handle.js';
import { mountScene } from './ui/scene/index.js';
import { bindTrack } from './ui/track.js';
import { bindSound } from './ui/sound.js';
import { bindChords } from './ui/chords.js';
import { bindKeepPanel } from './ui/keep_panel.js';
import { bindNowLine } from './ui/now.js';
import { bindFocus } from './ui/focus.js';
import { bindSleep } from './ui/sleep.js';
import { bindKeys } from './ui/keys.js';
import { bindMediaSession } from './ui/media_session.js';
import { bindChrome } from './ui/chrome.js';
import { bindOfflineChoices } from './ui/offline_choices.js';

const status = createStatus();

// The scene behind the page: it shows the ambience window.lofi publishes and moves while music
// plays (ui/sound.js tells it), the player tells it each note as it sounds; its drawing attaches
// when loaded (scene.attach).
const scene = createSceneHandle(document.getElementById('scene'));
mountScene(scene, { status }); // the animated scene: fetched a moment after the first note sounds

const lofi = createLofi({ status, visualizer: { note: scene.note, drum: scene.drum } });
window.lofi = lofi;

const song = document.getElementById('song');
let now = null;
const track = bindTrack(lofi, status, {
  layerChoice: () => sound.layerChoice(),
  onBusy: () => now?.render(),
});
const sound = bindSound(lofi, status, { scene, song, onTrackChange: () => track.switchTrack(), sync: () => track.sync() });
now = bindNowLine(lofi, status, { song, busy: () => track.busy() });
const chords = bindChords(lofi, status, { song });
bindKeepPanel(lofi, status, { song, sound, chords, sync: () => track.sync() });
const focus = bindFocus(document.getElementById('focus'));
bindSleep(lofi, status, document.getElementById('sleep'));
bindKeys({ track, sound, focus });
bindMediaSession(lofi, { track, song });
bindOfflineChoices(sound.selects);
bindChrome(lofi, { dock: document.getElementById('dock'), sheet: document.getElementById('settings'), toggle: document.getElementById('settings-toggle') });
// Every play, pause and stop reports a state, so the buttons stay right when a script (or a test)
// drives window.lofi directly.
lofi.on('state', () => track.sync());
status.subscribe(() => track.sync());

// Last-resort reporting, so no failure is silent.
window.addEventListener('unhandledrejection', (event) => {
  status.set('page', 'error', String(event.reason?.message ?? event.reason));
});
