// The sound around the track: drums, ambience and a spoken quote (filled from media.json), the
// volumes, what the page remembers across visits, the quote's caption, and the scene. What they
// show is what window.lofi publishes (its 'state' event): a choice made here, by a key, a share
// link or a script calling the API shows in the selects, the sliders and the scene alike.

import { loadSettings, saveSettings } from './settings.js';

const $ = (id) => document.getElementById(id);

// A volume in words, for screen readers ("80%", not "0.8").
export const volumeWords = (value) => `${Math.round(Number(value) * 100)}%`;

export function bindSound(lofi, status, { scene, song, onTrackChange, sync }) {
  const selects = { drums: $('drums'), ambience: $('ambience'), quote: $('quote') };
  const caption = $('caption');
  const sliders = [...document.querySelectorAll('input[data-volume]')];
  const slider = (name) => sliders.find((s) => s.dataset.volume === name);
  const settings = loadSettings(sliders.map((s) => s.dataset.volume));
  let captionTimer = null;
  let mixDefaults = {};
  let restored = false; // the remembered choices are the API's: from then on they are saved

  const remember = () => {
    if (!restored) return;
    const state = lofi.state();
    settings.song = song.value;
    for (const layer of Object.keys(selects)) settings[layer] = state.layers[layer] ?? null;
    settings.volumes = { ...state.volumes };
    saveSettings(settings);
  };

  // The published choices, last rendered: a control is set only when what the API says changes,
  // so a render never undoes what the listener is doing with it.
  const shown = { layers: {}, volumes: {}, scene: undefined };
  let listed = false; // the selects hold media.json's choices
  function render(state) {
    if (!listed) return;
    for (const [layer, select] of Object.entries(selects)) {
      const id = state.layers?.[layer] ?? null;
      if (shown.layers[layer] === id) continue;
      shown.layers[layer] = id;
      const wanted = id ?? '';
      if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
    }
    const ambience = state.layers?.ambience ?? null;
    if (shown.scene !== ambience) {
      shown.scene = ambience;
      tellScene(ambience);
    }
    for (const s of sliders) {
      const value = state.volumes?.[s.dataset.volume];
      if (value === undefined || shown.volumes[s.dataset.volume] === value) continue;
      shown.volumes[s.dataset.volume] = value;
      if (Number(s.value) !== value) s.value = String(value);
      s.setAttribute('aria-valuetext', volumeWords(value));
    }
    remember();
  }

  function tellScene(id) {
    const entry = id ? lofi.media().ambience.find((a) => a.id === id) : null;
    scene.setAmbience(entry ? id : null, entry?.background ?? null);
  }

  const layerChoice = () => ({ ...lofi.state().layers });

  // A choice made for the listener (a key, a share link, a mood): the API takes it, and the select
  // and the scene show it from what the API publishes; what plays changes from the next bar.
  function choose(layer, id) {
    const wanted = id ?? '';
    if (![...selects[layer].options].some((o) => o.value === wanted)) return Promise.resolve(null);
    return lofi.setLayer(layer, id || null).catch((err) => status.set(layer, 'error', err.message));
  }

  // Fill the selects, then give the API the remembered choices and volumes.
  const filled = lofi.ready.then(async () => {
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
    listed = true;
    const remembered = (select, value, fallback) => {
      const wanted = value === undefined ? fallback : value;
      return [...select.options].some((o) => o.value === wanted) ? wanted || null : null;
    };
    const choices = {
      drums: remembered(selects.drums, settings.drums, media.drums[0]?.id ?? ''),
      ambience: remembered(selects.ambience, settings.ambience, media.ambience[0]?.id ?? ''),
      quote: remembered(selects.quote, settings.quote, media.quotes[0]?.id ?? ''),
    };
    // A song or the radio comes back on the next visit. One AI tune on repeat does not: it was the
    // first choice before the radio, so every earlier visit saved it without choosing it.
    const rememberedSong = settings.song !== 'ai' && [...song.options].some((o) => o.value === settings.song && !o.disabled);
    if (rememberedSong) song.value = settings.song;
    mixDefaults = { ...lofi.state().volumes };
    const volumes = { ...mixDefaults, ...(settings.volumes || {}) };
    for (const s of sliders) lofi.setVolume(s.dataset.volume, volumes[s.dataset.volume] ?? 0.8);
    await Promise.all(Object.entries(choices).map(([layer, id]) => lofi.setLayer(layer, id).catch((err) => status.set(layer, 'error', err.message))));
    restored = true;
    render(lofi.state());
    sync();
  });

  for (const [layer, select] of Object.entries(selects)) select.addEventListener('change', () => choose(layer, select.value));
  song.addEventListener('change', () => {
    remember();
    if (lofi.state().playing) onTrackChange();
  });
  for (const s of sliders) s.addEventListener('input', () => lofi.setVolume(s.dataset.volume, Number(s.value)));

  // The quote's words while it is spoken, over the scene (style.css keeps it out of the flow).
  lofi.on('quote', (entry) => {
    if (!caption || !entry) return;
    caption.textContent = `“${entry.text}” (${entry.author}${entry.source ? `, ${entry.source}` : ''})`;
    caption.hidden = false;
    clearTimeout(captionTimer);
    captionTimer = setTimeout(() => (caption.hidden = true), (entry.seconds + 1.5) * 1000);
  });
  lofi.on('state', (state) => {
    render(state);
    // The scene moves only while the music plays: a still picture costs nothing.
    scene.setMoving(state.playing && !state.paused);
  });

  const volume = (name) => lofi.state().volumes[name] ?? 0;
  const setVolume = (name, value) => slider(name) && lofi.setVolume(name, Math.min(1, Math.max(0, value)));
  // Off, then back on at the listener's own level (not a fixed one).
  const levelsBefore = {};
  function toggle(name) {
    if (volume(name) > 0) {
      levelsBefore[name] = volume(name);
      setVolume(name, 0);
    } else setVolume(name, levelsBefore[name] || mixDefaults[name] || 0.5);
  }

  return {
    filled,
    layerChoice,
    choose,
    selects,
    // The next option of a select (then off), as the D, A and Q keys do.
    cycle(layer) {
      const select = selects[layer];
      const next = select.options[(select.selectedIndex + 1) % select.options.length];
      return choose(layer, next.value);
    },
    nudge: (name, delta) => setVolume(name, Math.round((volume(name) + delta) * 100) / 100),
    toggle,
  };
}
