// report.html's script (builder/site.py bundles it beside the page's, sharing its chunks): the
// listening pieces played by the page's own player. A piece's tokens, written by the model when it
// was trained, become the AI track's arrangement by the page's code (report/replay.js) and play on
// the live player (audio/live_player.js) through the page's graph, instruments and samples
// (media.json), as the page plays an AI track with no drum pattern, ambience or quote: what the
// report lets you hear is what the player plays.
//
// window.lofiReport: {play(index), stop(), state()}; state() is {playing: index|null, notes:
// {melody, chords, bass}} (the notes heard so far of the piece playing), for tests and the curious.

import { createStatus } from './ui/status.js';
import { fetchJson } from './urls.js';
import { Tone, loadTone } from './audio/tone.js';
import { LivePlayer } from './audio/live_player.js';
import { createLayers } from './audio/mix.js';
import { DEFAULT_SWING } from './audio/swing.js';
import { expose } from './audio/probe.js';
import { AI_ROLES } from './ai/arrange.js';
import { pieceArrangement } from './report/replay.js';

const figures = [...document.querySelectorAll('figure.listening[data-tokens]')];
const message = document.getElementById('listen-status');
const status = createStatus();
status.subscribe(({ latest }) => {
  if (message && latest && (latest.level === 'error' || latest.level === 'warn')) message.textContent = latest.text;
});

let playing = null; // the index of the piece playing
const notes = Object.fromEntries(AI_ROLES.map((role) => [role, 0]));
// The AI track's parts are in AI_ROLES' order (ai/arrange.js): the hook gets a part's index.
const player = new LivePlayer({ hooks: { onNote: (_midis, _velocity, part) => (notes[AI_ROLES[part]] += 1) } });
const layers = createLayers({ player, status });
let setup = null; // Tone.js, media.json and the model's vocabulary, loaded at the first play

function load() {
  setup ??= Promise.all([loadTone(), layers.init(), fetchJson('model/generation.json')]).then(([, , generation]) => generation.vocab);
  setup.catch(() => (setup = null)); // a failed fetch is tried again at the next play
  return setup;
}

function pieceOf(figure) {
  const { tokens, follows, seed, bars } = figure.dataset;
  return { tokens: tokens.split(' '), follows: follows || null, seed: Number(seed), bars: Number(bars) };
}

function show() {
  figures.forEach((figure, index) => {
    const button = figure.querySelector('button.listen');
    button.classList.toggle('playing', index === playing);
    button.textContent = index === playing ? 'Stop' : 'Play';
  });
}

async function stop() {
  playing = null;
  show();
  if (Tone) await player.stop();
  return state();
}

async function play(index) {
  const figure = figures[index];
  if (!figure) throw new Error(`no listening piece ${index + 1} (there are ${figures.length})`);
  player.unlock(); // synchronously, while the click still counts as a gesture
  playing = index;
  show();
  try {
    const vocab = await load();
    const piece = pieceOf(figure);
    // Once through, not looped as the AI track loops: the piece is heard from its first bar to its last.
    const arrangement = { ...pieceArrangement(piece, vocab, { swing: DEFAULT_SWING }), loopBars: null };
    const prepared = await layers.prepareAll(arrangement, { drums: null, ambience: null, quote: null });
    if (playing !== index) return state(); // another piece was asked for meanwhile
    for (const role of AI_ROLES) notes[role] = 0;
    const { audible } = await player.play(arrangement, prepared, { loops: layers.loops() });
    if (!audible) status.set('audio', 'warn', 'The browser has not allowed audio yet: press Play again.');
    // A bar after the last, when the last notes have rung out.
    Tone.getTransport().scheduleOnce((time) => Tone.getDraw().schedule(() => playing === index && stop(), time), `${piece.bars + 1}m`);
    status.set('audio', 'ok', `Playing piece ${index + 1}`);
  } catch (err) {
    status.set('audio', 'error', `Playback failed: ${err.message}`);
    await stop();
    throw err;
  }
  return state();
}

function state() {
  return { playing, notes: { ...notes } };
}

figures.forEach((figure, index) => {
  const button = figure.querySelector('button.listen');
  button.hidden = false;
  button.addEventListener('click', () => (playing === index ? stop() : play(index)).catch(() => {}));
});
player.unlockOnGesture();

const lofiReport = { play, stop, state };
window.lofiReport = lofiReport;
expose(lofiReport); // the tests' probe (assets/debug.js) adds its output meter here
