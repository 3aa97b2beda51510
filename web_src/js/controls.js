// The player's extras around the form: step 1's selects (filled from media.json), the mixer,
// keyboard shortcuts, Media Session, the settings remembered across visits, the quote captions and
// the animated scene that follows the ambience.

import { loadSettings, saveSettings } from './settings.js';

const LAYER_KEYS = { d: 'drums', a: 'ambience', q: 'quote' };
const SCENES = ['rain', 'fire', 'wind', 'water', 'vinyl', 'night'];

export function bindPlayerExtras(lofi, status, actions) {
  const $ = (id) => document.getElementById(id);
  const selects = { drums: $('drums'), ambience: $('ambience'), quote: $('quote') };
  const song = $('song');
  const scene = $('scene');
  const caption = $('caption');
  const position = $('position');
  const sliders = [...document.querySelectorAll('input[data-volume]')];
  const settings = loadSettings(sliders.map((s) => s.dataset.volume));
  let captionTimer = null;

  const remember = () => {
    settings.song = song.value;
    for (const [layer, select] of Object.entries(selects)) settings[layer] = select.value || null;
    settings.volumes = Object.fromEntries(sliders.map((s) => [s.dataset.volume, Number(s.value)]));
    saveSettings(settings);
  };

  function setScene(entry) {
    const name = SCENES.includes(entry?.background) ? entry.background : 'night';
    if (scene) scene.className = `scene scene-${name}`;
  }

  function layerChoice() {
    return Object.fromEntries(Object.entries(selects).map(([layer, select]) => [layer, select.value || null]));
  }

  // Step 1: fill the selects, then restore the remembered choices and volumes.
  lofi.ready.then(() => {
    const media = lofi.media();
    const fill = (select, items, label) => {
      for (const item of items) {
        const option = document.createElement('option');
        option.value = item.id;
        option.textContent = label(item);
        select.append(option);
      }
    };
    fill(selects.drums, media.drums, (d) => d.name);
    fill(selects.ambience, media.ambience, (a) => a.title);
    fill(selects.quote, media.quotes, (q) => `“${q.text}” (${q.author})`);
    const restore = (select, value, fallback) => {
      const wanted = value === undefined ? fallback : value;
      select.value = [...select.options].some((o) => o.value === wanted) ? wanted ?? '' : '';
    };
    restore(selects.drums, settings.drums, media.drums[0]?.id ?? '');
    restore(selects.ambience, settings.ambience, media.ambience[0]?.id ?? '');
    restore(selects.quote, settings.quote, media.quotes[0]?.id ?? '');
    if (settings.song && [...song.options].some((o) => o.value === settings.song && !o.disabled)) song.value = settings.song;
    const volumes = { ...lofi.state().volumes, ...(settings.volumes || {}) };
    for (const slider of sliders) {
      const layer = slider.dataset.volume;
      slider.value = String(volumes[layer] ?? 0.8);
      lofi.setVolume(layer, Number(slider.value));
    }
    setScene(media.ambience.find((a) => a.id === selects.ambience.value));
    actions.sync();
  });

  // A change while playing is heard from the next bar (window.lofi.setLayer).
  for (const [layer, select] of Object.entries(selects)) {
    select.addEventListener('change', () => {
      remember();
      if (layer === 'ambience') setScene(lofi.media().ambience.find((a) => a.id === select.value));
      lofi.setLayer(layer, select.value || null).catch((err) => status.set(layer, 'error', err.message));
    });
  }
  // Another song while one plays takes over at the next bar line (window.lofi.play({at: 'next-bar'})).
  song.addEventListener('change', () => {
    remember();
    if (lofi.state().playing) actions.switchSong();
  });
  for (const slider of sliders) {
    slider.addEventListener('input', () => {
      lofi.setVolume(slider.dataset.volume, Number(slider.value));
      remember();
    });
  }

  // Captions: the quote's words while it is spoken.
  lofi.on('quote', (entry) => {
    if (!caption || !entry) return;
    caption.textContent = `“${entry.text}” (${entry.author}${entry.source ? `, ${entry.source}` : ''})`;
    caption.hidden = false;
    clearTimeout(captionTimer);
    captionTimer = setTimeout(() => (caption.hidden = true), (entry.seconds + 1.5) * 1000);
  });
  lofi.on('ambience', (entry) => {
    if (entry) setScene(entry);
  });
  // The scene moves only while the music plays: a still picture costs nothing, and without a GPU
  // the animations took half a core of an idle page (and slowed the generation worker).
  lofi.on('state', (state) => {
    if (scene) scene.dataset.moving = String(Boolean(state.playing && !state.paused));
  });

  // The bar counter while playing.
  setInterval(() => {
    const state = lofi.state();
    if (position) position.textContent = state.playing ? `bar ${Math.floor(state.bar) + 1} · ${state.bpm} bpm${state.paused ? ' · paused' : ''}` : '';
  }, 250);

  // Keyboard shortcuts, except while typing in a field.
  function cycle(layer) {
    const select = selects[layer];
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    select.dispatchEvent(new Event('change'));
  }
  let beforeMute = null;
  function nudge(layer, delta) {
    const slider = sliders.find((s) => s.dataset.volume === layer);
    if (!slider) return;
    slider.value = String(Math.min(1, Math.max(0, Number(slider.value) + delta)));
    slider.dispatchEvent(new Event('input'));
  }
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable="true"]')) return;
    const key = event.key.toLowerCase();
    if (key === ' ' || key === 'k') {
      if (target instanceof HTMLElement && target.closest('button, summary, a')) return; // they handle space
      event.preventDefault();
      if (lofi.state().playing) actions.pauseToggle();
      else actions.play();
    } else if (key === 's') {
      actions.stop();
    } else if (LAYER_KEYS[key]) {
      cycle(LAYER_KEYS[key]);
    } else if (key === 'v') {
      const slider = sliders.find((s) => s.dataset.volume === 'vinyl');
      if (slider) {
        slider.value = Number(slider.value) > 0 ? '0' : '0.35';
        slider.dispatchEvent(new Event('input'));
      }
    } else if (key === 'm') {
      const slider = sliders.find((s) => s.dataset.volume === 'master');
      if (!slider) return;
      if (Number(slider.value) > 0) {
        beforeMute = slider.value;
        slider.value = '0';
      } else slider.value = beforeMute ?? '0.8';
      slider.dispatchEvent(new Event('input'));
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      nudge('master', event.key === 'ArrowUp' ? 0.05 : -0.05);
    } else return;
  });

  // Media Session: the track in the OS's media controls, and its play/pause/stop keys.
  if ('mediaSession' in navigator) {
    const session = navigator.mediaSession;
    const handlers = {
      play: () => (lofi.state().paused ? actions.pauseToggle() : actions.play()),
      pause: () => lofi.state().playing && !lofi.state().paused && actions.pauseToggle(),
      stop: () => actions.stop(),
      nexttrack: () => {
        song.selectedIndex = (song.selectedIndex + 1) % song.options.length;
        song.dispatchEvent(new Event('change'));
      },
    };
    for (const [name, handler] of Object.entries(handlers)) {
      try {
        session.setActionHandler(name, handler);
      } catch {
        // An action this browser does not know.
      }
    }
    lofi.on('state', (state) => {
      session.playbackState = state.playing ? (state.paused ? 'paused' : 'playing') : 'none';
      if (!state.playing || typeof MediaMetadata === 'undefined') return;
      const title = song.options[song.selectedIndex]?.textContent ?? 'Lofi Player';
      const mood = [selects.ambience, selects.drums].map((s) => (s.value ? s.options[s.selectedIndex].textContent : null)).filter(Boolean);
      session.metadata = new MediaMetadata({ title, artist: 'Lofi Player', album: mood.join(' · ') || 'Lofi Player' });
    });
  }

  return { layerChoice };
}
