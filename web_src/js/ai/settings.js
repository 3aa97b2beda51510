// The AI solo's settings (temperature, topK, topP, length, seed, bars): their defaults and ranges,
// from generation_settings.json, which builder/config.py and the page's form read too, so that
// site.toml, the generator, the form and share links agree on them.

import settings from './generation_settings.json' with { type: 'json' };

export const GENERATION_DEFAULTS = Object.freeze({ ...settings.defaults });
export const GENERATION_RANGES = Object.freeze(Object.fromEntries(Object.entries(settings.ranges).map(([name, range]) => [name, Object.freeze([...range])])));

// Whether `value` is a finite number within the setting `name`'s range.
export function inRange(name, value) {
  const [lo, hi] = GENERATION_RANGES[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= lo && value <= hi;
}
