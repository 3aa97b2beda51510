// The number fields are checked against their own min, max and step (index.html is the one home of
// the page's ranges): a value outside them gets a plain message under its field and is not used.

const $ = (id) => document.getElementById(id);

function label(input) {
  const text = document.querySelector(`label[for="${input.id}"]`)?.textContent ?? input.name;
  return text.replace(/\s*\(.*\)\s*$/, '').trim(); // "Tempo (beats a minute)" -> "Tempo"
}

// {ok, value, message}: value is a number, or null for an empty optional field.
export function readNumber(input, { optional = false } = {}) {
  const text = input.value.trim();
  if (text === '') {
    if (optional) return { ok: true, value: null, message: '' };
    return { ok: false, value: null, message: `${label(input)} is empty: type a number.` };
  }
  const value = Number(text);
  const min = input.min === '' ? -Infinity : Number(input.min);
  const max = input.max === '' ? Infinity : Number(input.max);
  const whole = input.step === '1';
  const range = max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
    const kind = whole ? 'a whole number' : 'a number';
    return { ok: false, value: null, message: `${label(input)} is ${kind} from ${range}; “${text}” is not used.` };
  }
  return { ok: true, value, message: '' };
}

const MAX_SEED = 2 ** 32 - 1;

// The seed: a whole number the sampler takes as it is (no word, no fraction).
export function readSeed(input, name = 'Seed') {
  const text = input.value.trim();
  if (/^\d+$/.test(text) && Number(text) <= MAX_SEED) return { ok: true, value: text, message: '' };
  return { ok: false, value: null, message: `${name} is a whole number from 0 to ${MAX_SEED}; “${text}” is not used.` };
}

// Shows (or clears) the message under a field and marks it for assistive technology.
export function showFieldResult(input, result) {
  const message = $(`${input.id}-message`);
  if (message) {
    message.textContent = result.message;
    message.classList.toggle('inline-error', !result.ok);
  }
  if (result.ok) input.removeAttribute('aria-invalid');
  else input.setAttribute('aria-invalid', 'true');
  return result;
}
