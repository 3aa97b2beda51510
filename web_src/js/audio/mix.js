// The layers (drum pattern, ambience, quote), the volumes and what the player needs prepared
// before it starts. audio/playback.js and window.lofi use these. A layer whose files fail to load is
// switched off with a message in the status area; the other layers keep playing.

import { emptyManifest, loadManifest } from './media.js';
import { prepareKits, prepareLayer, prepareMusic, prepareVinyl } from './prepare.js';
import { CHANNELS, DEFAULT_VOLUMES } from './instruments.js';

const LAYERS = ['drums', 'ambience', 'quote'];
const LABEL = { drums: 'Drum pattern', ambience: 'Ambience', quote: 'Quote' };

export function createLayers({ player, status }) {
  let manifest = emptyManifest();
  // The choice per layer: an id, or null for off. Drums default to the first pattern.
  const choice = { drums: undefined, ambience: null, quote: null };

  async function init() {
    try {
      manifest = await loadManifest();
      const n = (list, word) => `${list.length} ${word}${list.length === 1 ? '' : 's'}`;
      status.set('media', 'ok', `${n(manifest.drums, 'drum pattern')}, ${n(manifest.ambience, 'ambience')}, ${n(manifest.quotes, 'quote')}`);
    } catch (err) {
      status.set('media', 'error', `Drum patterns, ambiences and quotes unavailable: ${err.message}. The music still plays.`);
    }
  }

  function list(layer) {
    return { drums: manifest.drums, ambience: manifest.ambience, quote: manifest.quotes }[layer] ?? [];
  }

  // An API value (id, null/false = off, true/undefined = the current choice or the default) -> id|null.
  function resolve(layer, value) {
    if (value === null || value === false) return null;
    if (value === true || value === undefined) {
      const current = choice[layer];
      if (current !== undefined) return current;
      return layer === 'drums' ? (manifest.drums[0]?.id ?? null) : null;
    }
    return String(value);
  }

  async function prepareOne(layer, id) {
    if (id === null) return null;
    try {
      const prep = await prepareLayer(manifest, layer, id);
      if (status.get(layer)?.level === 'error') status.set(layer, 'ok', `${LABEL[layer]}: ${prep.entry.name ?? prep.entry.title ?? prep.entry.author}`);
      return prep;
    } catch (err) {
      status.set(layer, 'error', `${LABEL[layer]} "${id}" is off: ${err.message}. The rest keeps playing.`);
      return null;
    }
  }

  // Everything a play() or renderOffline() needs, fetched and decoded.
  async function prepareAll(arrangement, values = {}) {
    for (const layer of LAYERS) choice[layer] = resolve(layer, values[layer]);
    const [music, vinyl, drums, ambience, quote] = await Promise.all([
      prepareMusic(manifest, arrangement),
      prepareVinyl(manifest),
      ...LAYERS.map((layer) => prepareOne(layer, choice[layer])),
    ]);
    for (const warning of music.warnings) status.set('instruments', 'warn', warning);
    // An arrangement that plays its own drums (the station) gets the kits, and no drums layer.
    // The first tune's kit is awaited; the kits it may change to later arrive in the background
    // (`laterDrumPatterns`), into the same object, before a tune can ask for them.
    if (arrangement.drumPatterns) {
      const { kits, errors } = await prepareKits(manifest, arrangement.drumPatterns);
      const report = (errs) => errs.length && status.set('drums', 'error', `Drum patterns off: ${errs.join('; ')}. The rest keeps playing.`);
      report(errors);
      const later = (arrangement.laterDrumPatterns ?? []).filter((id) => !kits[id]);
      if (later.length) {
        prepareKits(manifest, later).then((more) => {
          Object.assign(kits, more.kits);
          report(more.errors);
        });
      }
      return { music, vinyl, drums: null, kits, ambience, quote };
    }
    return { music, vinyl, drums, ambience, quote };
  }

  // Ahead of a play(), with no user gesture needed: fetches and decodes the samples `arrangement`
  // needs and the vinyl crackle (kept in media.js's cache) and resolves to {music, vinyl} for
  // player.warm(). The layers' current choices (the default drums) are fetched and decoded too, into
  // the same cache, so that a first Play finds them ready rather than starting on them only once the
  // AI model has loaded; their failures are left to play(), which reports them.
  async function prepareWarm(arrangement) {
    for (const layer of LAYERS) prepareLayer(manifest, layer, resolve(layer, undefined)).catch(() => {});
    const [music, vinyl] = await Promise.all([prepareMusic(manifest, arrangement), prepareVinyl(manifest)]);
    return { music, vinyl };
  }

  // While playing, the change is heard from the next bar; resolves to {layer, id, bar}.
  async function setLayer(layer, value) {
    if (!LAYERS.includes(layer)) throw new Error(`unknown layer "${layer}" (use ${LAYERS.join(', ')})`);
    const id = value === true ? resolve(layer, undefined) : resolve(layer, value ?? null);
    choice[layer] = id;
    if (!player.session) return { layer, id, bar: null };
    const prep = await prepareOne(layer, id);
    const { bar } = await player.setLayer(layer, prep);
    return { layer, id: prep ? id : null, bar };
  }

  function setVolume(channel, value) {
    if (!CHANNELS.includes(channel)) throw new Error(`unknown volume "${channel}" (use ${CHANNELS.join(', ')})`);
    const v = Math.min(1, Math.max(0, Number(value)));
    if (!Number.isFinite(v)) throw new Error('a volume is a number from 0 to 1');
    player.setVolume(channel, v);
    return { ...player.volumes };
  }

  return {
    init,
    prepareAll,
    prepareOne,
    prepareWarm,
    setLayer,
    setVolume,
    loops: () => manifest.loops,
    choices: () => Object.fromEntries(LAYERS.map((layer) => [layer, resolve(layer, undefined)])),
    volumes: () => ({ ...DEFAULT_VOLUMES, ...player.volumes }),
    // The lists for the UI: drums [{id, name, bars}], ambience [{id, title, background}], quotes [{id, text, author, source}].
    media: () => ({
      drums: manifest.drums.map(({ id, name, bars }) => ({ id, name, bars })),
      ambience: manifest.ambience.map(({ id, title, background }) => ({ id, title, background })),
      quotes: manifest.quotes.map(({ id, text, author, source, licence }) => ({ id, text, author, source, licence })),
    }),
    find: (layer, id) => list(layer).find((item) => item.id === id) ?? null,
  };
}
