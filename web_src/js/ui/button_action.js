// A button's action: the button is disabled while it runs (no second click starts it again), and
// an error is said in the status area under `layer` rather than lost. Resolves when it is done.
export async function runWithButton(status, button, layer, fn) {
  button.disabled = true;
  try {
    await fn();
  } catch (err) {
    status.set(layer, 'error', err.message);
  } finally {
    button.disabled = false;
  }
}
