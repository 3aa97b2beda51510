// The site's catalogue: site.json (its title and loop lengths), the song index and the songs, each
// song fetched once. A missing file is reported in the status area and is never fatal on its own.

import { fetchJson } from './urls.js';
import { sixteenthsPerBar, transportToSixteenths } from './music/time.js';

// site.json as the build writes it (builder/site.py), with the solo's loop length it may add.
const SITE_DEFAULTS = { title: 'Lofi Player', soloLoopBars: 30 };

// A song's "B:Q:S" times read once, as it is loaded: every event gains `step` and `length`, in
// sixteenths from the song's start, which is all the player, the MIDI file and the primer use
// (the strings stay for display). A time that is not "B:Q:S" throws, naming the file and event.
export function readSong(song, path = `songs/${song.id}.json`) {
  const perBar = sixteenthsPerBar(...(song.timeSignature || [4, 4]));
  const parts = (song.parts || []).map((part, p) => ({
    ...part,
    events: (part.events || []).map((event, e) => {
      try {
        return { ...event, step: transportToSixteenths(event.time, perBar), length: transportToSixteenths(event.duration, perBar) };
      } catch (err) {
        throw new Error(`${path}: parts[${p}].events[${e}]: ${err.message}`, { cause: err });
      }
    }),
  }));
  return { ...song, parts };
}

export function createCatalogue({ status }) {
  const site = { ...SITE_DEFAULTS };
  let songIndex = [];
  const songCache = new Map();

  async function load() {
    const [siteResult, indexResult] = await Promise.allSettled([fetchJson('site.json'), fetchJson('songs/index.json')]);
    if (siteResult.status === 'fulfilled') Object.assign(site, siteResult.value);
    if (indexResult.status === 'fulfilled' && Array.isArray(indexResult.value)) {
      songIndex = indexResult.value;
      status.set('songs', 'ok', `${songIndex.length} song${songIndex.length === 1 ? '' : 's'} available`);
    } else {
      const reason = indexResult.reason?.message ?? 'songs/index.json is not a list';
      status.set('songs', 'error', `Songs unavailable: ${reason}. The AI solo still works.`);
    }
  }

  async function song(id) {
    if (songCache.has(id)) return songCache.get(id);
    const entry = songIndex.find((s) => s.id === id);
    try {
      const path = entry?.url ?? `songs/${encodeURIComponent(id)}.json`;
      const loaded = readSong(await fetchJson(path), path);
      songCache.set(id, loaded);
      return loaded;
    } catch (err) {
      status.set('songs', 'error', `Could not load song "${id}": ${err.message}`);
      throw err;
    }
  }

  const titleOf = (id) => songIndex.find((s) => s.id === id)?.title ?? id;

  return {
    load,
    song,
    songs: () => songIndex.map((s) => ({ ...s })),
    defaultSong: () => (songIndex.length ? songIndex[0].id : 'ai'),
    // A file name's base: the song's title, "AI solo" or "AI station".
    title: (id) => (id === 'ai' ? 'AI solo' : id === 'station' ? 'AI station' : titleOf(id)),
    // For the status line: "the AI solo", "the AI station" or the song's title in quotes.
    describe: (id) => (id === 'ai' ? 'the AI solo' : id === 'station' ? 'the AI station' : `"${titleOf(id)}"`),
    soloLoopBars: () => Number(site.soloLoopBars) || SITE_DEFAULTS.soloLoopBars,
  };
}
