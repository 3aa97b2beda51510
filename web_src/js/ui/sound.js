// The sound around the track: drums, ambience and a spoken quote (filled from media.json), the
// volumes, what the page remembers across visits, the quote's caption, and the scene, which always
// shows the ambience chosen, playing or not.

import { loadSettings, saveSettings } from './settings.js';

const $ = (id) => document.getElementById(id);

export function bindSound(lofi, status, { scene, song, onTrackChange, sync }) {
  const selects = { drums: $('drums'), ambience: $('ambience'), quote: $('quote') };
  const caption = $('caption');
  const sliders = [...document.querySelectorAll('input[data-volume]')];
  const slider = (name) => sliders.find((s) => s.dataset.volume === name);
  const settings = loadSettings(sliders.map((s) => s.dataset.volume));
  let captionTimer = null;
  let mixDefaults = {};

  const remember = () => {
    settings.song = song.value;
    for (const [layer, select] of Object.entries(selects)) settings[layer] = select.value || null;
    settings.volumes = Object.fromEntries(sliders.map((s) => [s.dataset.volume, Number(s.value)]));
    saveSettings(settings);
  };

  function tellScene() {
    const id = selects.ambience.value || null;
    const entry = id ? lofi.media().ambience.find((a) => a.id === id) : null;
    scene.setAmbience(id, entry?.background ?? null);
  }

  const layerChoice = () => Object.fromEntries(Object.entries(selects).map(([layer, select]) => [layer, select.value || null]));

  // A choice made for the listener (a key, a share link): the select shows it, the scene follows,
  // and what plays changes from the next bar.
  function choose(layer, id) {
    const select = selects[layer];
    const wanted = id ?? '';
    if (![...select.options].some((o) => o.value === wanted)) return Promise.resolve(null);
    select.value = wanted;
    return changed(layer);
  }
  function changed(layer) {
    remember();
    if (layer === 'ambience') tellScene();
    return lofi.setLayer(layer, selects[layer].value || null).catch((err) => status.set(layer, 'error', err.message));
  }

  // Fill the selects, then restore the remembered choices and volumes.
  const filled = lofi.ready.then(() => {
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
    // A song or the radio comes back on the next visit. One AI tune on repeat does not: it was the
    // first choice before the radio, so every earlier visit saved it without choosing it.
    const remembered = settings.song !== 'ai' && [...song.options].some((o) => o.value === settings.song && !o.disabled);
    if (remembered) song.value = settings.song;
    mixDefaults = { ...lofi.state().volumes };
    const volumes = { ...mixDefaults, ...(settings.volumes || {}) };
    for (const s of sliders) {
      s.value = String(volumes[s.dataset.volume] ?? 0.8);
      lofi.setVolume(s.dataset.volume, Number(s.value));
    }
    tellScene();
    sync();
  });

  for (const [layer, select] of Object.entries(selects)) select.addEventListener('change', () => changed(layer));
  song.addEventListener('change', () => {
    remember();
    if (lofi.state().playing) onTrackChange();
  });
  for (const s of sliders) {
    s.addEventListener('input', () => {
      lofi.setVolume(s.dataset.volume, Number(s.value));
      remember();
    });
  }

  // The quote's words while it is spoken, over the scene (style.css keeps it out of the flow).
  lofi.on('quote', (entry) => {
    if (!caption || !entry) return;
    caption.textContent = `“${entry.text}” (${entry.author}${entry.source ? `, ${entry.source}` : ''})`;
    caption.hidden = false;
    clearTimeout(captionTimer);
    captionTimer = setTimeout(() => (caption.hidden = true), (entry.seconds + 1.5) * 1000);
  });
  // The scene moves only while the music plays: a still picture costs nothing.
  lofi.on('state', (state) => scene.setMoving(state.playing && !state.paused));

  function setSlider(name, value) {
    const s = slider(name);
    if (!s) return;
    s.value = String(Math.min(1, Math.max(0, value)));
    s.dispatchEvent(new Event('input'));
  }
  // Off, then back on at the listener's own level (not a fixed one).
  const levelsBefore = {};
  function toggle(name) {
    const s = slider(name);
    if (!s) return;
    if (Number(s.value) > 0) {
      levelsBefore[name] = Number(s.value);
      setSlider(name, 0);
    } else setSlider(name, levelsBefore[name] || mixDefaults[name] || 0.5);
  }

  return {
    filled,
    layerChoice,
    choose,
    selects,
    // The next option of a select (then off), as the D, A and Q keys do.
    cycle(layer) {
      const select = selects[layer];
      select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
      changed(layer);
    },
    nudge: (name, delta) => setSlider(name, Number(slider(name)?.value ?? 0) + delta),
    toggle,
  };
}
