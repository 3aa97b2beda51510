// The model's files as bytes: model.json, its weight shards and the wasm binary. No TensorFlow.js
// here, so the page can fetch them itself (worker_client.js) while the generation worker's script
// (about 270 KB of TensorFlow.js) is still being fetched and started, and hand them over; the
// worker fetches them itself only when it was given none (weights.js, backend.js).

// The one wasm binary the site ships (builder/site.py): the threaded build needs a cross-origin
// isolated page, which a static host does not give, and a browser without wasm SIMD (old Safari)
// gets the cpu backend rather than a third download.
export const WASM_BINARY = 'tfjs-backend-wasm-simd.wasm';

// TensorFlow.js's own test for wasm SIMD (tfjs-backend-wasm flags_wasm.js): a tiny module with a
// SIMD instruction. Without it, the wasm binary is not fetched at all.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

export function hasWasmSimd() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

export async function fetchFile(url, read) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  try {
    return await read(response);
  } catch (err) {
    throw new Error(`${url}: ${err.message}`, { cause: err });
  }
}

// modelUrl: the absolute URL of model.json. Resolves to {modelJson, shards} (shards: ArrayBuffers in
// the manifest's order); errors name the file that failed. expected: the shards' paths as
// generation.json lists them ("weightFiles"), fetched beside model.json rather than after it (a
// round trip less); used only if model.json's manifest lists the same.
export async function fetchModelFiles(modelUrl, expected = null) {
  const shard = (path) => fetchFile(new URL(path, modelUrl).href, (r) => r.arrayBuffer());
  const early = Array.isArray(expected) ? expected.map(shard) : null;
  early?.forEach((promise) => promise.catch(() => {})); // reported below, if used at all
  const modelJson = await fetchFile(modelUrl, (response) => response.json());
  if (!Array.isArray(modelJson?.weightsManifest)) throw new Error(`${modelUrl}: no weightsManifest`);
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const same = early && paths.length === expected.length && paths.every((path, i) => path === expected[i]);
  const shards = await Promise.all(same ? early : paths.map(shard));
  return { modelJson, shards };
}

// Everything the worker's load needs: {model: {modelJson, shards}, wasm: ArrayBuffer | null} (no
// wasm without SIMD: the worker then runs the cpu backend). wasmPath: the folder's absolute URL;
// weightFiles: generation.json's list of the shards, if it has one.
export async function fetchAll(modelUrl, wasmPath, weightFiles = null) {
  const [model, wasm] = await Promise.all([
    fetchModelFiles(modelUrl, weightFiles),
    hasWasmSimd() ? fetchFile(new URL(WASM_BINARY, wasmPath).href, (r) => r.arrayBuffer()) : null,
  ]);
  return { model, wasm };
}
