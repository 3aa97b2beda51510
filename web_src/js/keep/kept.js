// The station's tunes a listener keeps, remembered on this device (localStorage): enough to write
// the same tune again (the station's seed, the tune's index and the options it was planned with),
// and what the list shows (key, tempo, length, drums). Storage that is full or switched off keeps
// the list for this visit only.

const STORAGE_KEY = 'lofi-player:kept-tunes';
const LIMIT = 100;

function read() {
  try {
    const list = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((t) => t && Number.isInteger(t.index) && Number.isFinite(Number(t.station))) : [];
  } catch {
    return [];
  }
}

export function createKeptTunes() {
  let memory = read();
  const save = () => {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(memory));
    } catch {
      // full or off: kept for this visit only
    }
  };
  const idOf = (tune) => `${tune.station}:${tune.index}:${tune.options?.progression ?? ''}:${tune.options?.mood?.mode ?? ''}:${tune.options?.mood?.bpm ?? ''}`;
  return {
    list: () => memory.map((t) => structuredClone(t)),
    // entry: a lofi.history() entry. Keeping it twice keeps it once.
    keep(entry) {
      if (!entry || !Number.isInteger(entry.index) || !Number.isFinite(Number(entry.station))) throw new Error('keep a tune from lofi.history()');
      const tune = { id: idOf(entry), station: Number(entry.station), index: entry.index, seed: entry.seed, key: entry.key, bpm: entry.bpm, bars: entry.bars, drums: entry.drums ?? null, form: entry.form ?? [], options: structuredClone(entry.options ?? {}), keptAt: Date.now() };
      memory = [tune, ...memory.filter((t) => t.id !== tune.id)].slice(0, LIMIT);
      save();
      return this.list();
    },
    forget(id) {
      memory = memory.filter((t) => t.id !== id);
      save();
      return this.list();
    },
  };
}
