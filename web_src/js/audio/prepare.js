// Preparing: fetches and decodes what a choice needs (samples, a drum kit, an ambience, a quote,
// the vinyl crackle) before any audio node is built, so a failure names the missing file and
// disables that layer only.

import { prepareInstrument, routeOf } from './instruments.js';
import { loadKit } from './drums.js';
import { loadBuffer } from './media.js';
import { noteToMidi } from '../music/pitch.js';

// The middle of the keyboard (C3 to C6), where a streamed part's notes fall; its Cs first.
const STREAMED_ALL = Array.from({ length: 37 }, (_, i) => 48 + i);
const STREAMED_FIRST = STREAMED_ALL.filter((midi) => midi % 12 === 0);

// One layer (drums, ambience, quote): resolves to {id, entry, buffers|buffer} or null (off); rejects with a message
// naming the missing file, and the caller disables that layer only.
export async function prepareLayer(manifest, layer, id) {
  if (id === null || id === undefined || id === false) return null;
  const list = { drums: manifest.drums, ambience: manifest.ambience, quote: manifest.quotes }[layer] || [];
  const entry = list.find((item) => item.id === id);
  if (!entry) throw new Error(`no ${layer} "${id}" in media.json`);
  if (layer === 'drums') return { id, entry, buffers: await loadKit(entry) };
  if (layer === 'ambience') return { id, entry, buffer: await loadBuffer(entry.url) };
  return { id, entry, buffer: entry.url ? await loadBuffer(entry.url) : null }; // a quote may be caption-only
}

// The instruments of an arrangement. Resolves to {recipes, warnings}.
export async function prepareMusic(manifest, arrangement) {
  const warnings = [];
  const recipes = await Promise.all(
    arrangement.parts.map(async (part) => {
      if (part.kind === 'drums') return null; // hits on the drum kits (prepareKits), no instrument
      const midis = part.events.flatMap((e) => (e.notes || []).map(noteToMidi)).filter((m) => m !== null);
      // A part whose notes stream in while it plays (the AI track) gets the middle of the keyboard:
      // first one sample an octave, all the first note waits for (the sampler stretches each over
      // its octave), then every sample there once that note has sounded (instruments.js).
      const first = part.attach ? [...midis, ...STREAMED_FIRST] : midis;
      const later = part.attach ? STREAMED_ALL : [];
      const recipe = await prepareInstrument(part.instrument, manifest, first, { later });
      if (recipe.warning) warnings.push(recipe.warning);
      return { ...recipe, route: routeOf(part) }; // warmed on the route it will play on
    }),
  );
  return { recipes, warnings };
}

// The kits of the drum patterns an arrangement plays itself (the station's tunes): {id: buffers};
// a kit that fails to load is left out and named in `errors`.
export async function prepareKits(manifest, ids = []) {
  const kits = {};
  const errors = [];
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      try {
        kits[id] = (await prepareLayer(manifest, 'drums', id)).buffers;
      } catch (err) {
        errors.push(`${id}: ${err.message}`);
      }
    }),
  );
  return { kits, errors };
}

export async function prepareVinyl(manifest) {
  if (!manifest.vinyl?.url) return null;
  try {
    return await loadBuffer(manifest.vinyl.url);
  } catch (err) {
    console.warn(`lofi: vinyl crackle unavailable: ${err.message}`);
    return null;
  }
}
