// The choices the page remembers across visits (song, layers, volumes), in localStorage.
//
// The entry is not ours alone: every site on the same origin (all of a user's GitHub Pages sites
// share USER.github.io) can write it, and an older or newer version of this page may have left
// another shape there. So what is read back is trusted field by field: a known key with a value of
// the right type is kept, anything else is dropped (and the next save writes a clean entry over
// it). Reading never throws.

const STORAGE_KEY = 'lofi-player:settings';
const LAYERS = ['drums', 'ambience', 'quote']; // an id, or null for "off"

const isRecord = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

// `volumeLayers`: the mixer's layer names; volumes are numbers from 0 to 1.
export function loadSettings(volumeLayers) {
  let stored = null;
  try {
    stored = JSON.parse(localStorage.getItem(STORAGE_KEY));
  } catch {
    // Not JSON, or storage refused (private windows): nothing remembered.
  }
  const settings = {};
  if (!isRecord(stored)) return settings;
  if (own(stored, 'song') && typeof stored.song === 'string') settings.song = stored.song;
  for (const layer of LAYERS) {
    const value = own(stored, layer) ? stored[layer] : undefined;
    if (typeof value === 'string' || value === null) settings[layer] = value;
  }
  if (own(stored, 'volumes') && isRecord(stored.volumes)) {
    settings.volumes = {};
    for (const layer of volumeLayers) {
      const value = own(stored.volumes, layer) ? stored.volumes[layer] : undefined;
      if (Number.isFinite(value) && value >= 0 && value <= 1) settings.volumes[layer] = value;
    }
  }
  return settings;
}

export function saveSettings(settings) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Private windows may refuse storage: the player works, it just forgets.
  }
}
