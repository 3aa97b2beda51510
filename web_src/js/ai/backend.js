// TensorFlow.js for the LSTM stepper, and only what it runs: tfjs-core, the wasm backend (SIMD
// build) with a plain-JavaScript cpu backend behind it, and two kernels on each: the fused
// matMul that reads the weights and the reshape that op wraps around it. Everything else a step
// does (the gates) is plain JavaScript in lstm.js. Importing @tensorflow/tfjs instead would bring
// every kernel of three backends and the layers API: a 1 MB worker where this one is about 250 KB
// (bench/page_weight.py).

import { dispose, env, fused, memory, ready, registerKernel, setBackend, tensor2d } from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm/dist/base';
import { _fusedMatMulConfig as wasmFusedMatMul } from '@tensorflow/tfjs-backend-wasm/dist/kernels/_FusedMatMul';
import { reshapeConfig as wasmReshape } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Reshape';
import '@tensorflow/tfjs-backend-cpu/dist/base';
import { _fusedMatMulConfig as cpuFusedMatMul } from '@tensorflow/tfjs-backend-cpu/dist/kernels/_FusedMatMul';
import { reshapeConfig as cpuReshape } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Reshape';
import { WASM_BINARY } from './model_files.js';

for (const kernel of [wasmFusedMatMul, wasmReshape, cpuFusedMatMul, cpuReshape]) registerKernel(kernel);

export { WASM_BINARY };

let backendPromise = null;
let wasmBytes = null; // WASM_BINARY as the page fetched it (provideWasm), or null: fetched here

// The binary's bytes, fetched by the page beside the worker's own start (worker_client.js).
export function provideWasm(bytes) {
  wasmBytes = bytes;
}

// TensorFlow.js fetches the binary through its platform's fetch when told to (setWasmPaths's second
// argument): answered here from the bytes the page handed over, any other URL as before.
function answerFrom(bytes, url) {
  const platform = env().platform;
  const fetchAny = platform.fetch.bind(platform);
  platform.fetch = (path, init) => (path === url ? Promise.resolve(new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } })) : fetchAny(path, init));
}

// Starts wasm, else cpu. Resolves to {backend, notes}: notes explains a fallback so the page can
// show it. wasmPath: the absolute URL of the folder holding WASM_BINARY (the page resolves it
// against its own URL, which keeps it right under a sub-path).
export function initBackend(wasmPath) {
  backendPromise ??= (async () => {
    const notes = [];
    env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) {
      if (wasmBytes) answerFrom(wasmBytes, wasmPath + WASM_BINARY);
      setWasmPaths(wasmPath, Boolean(wasmBytes));
      wasmBytes = null;
      if (await start('wasm', notes)) return { backend: 'wasm', notes };
    } else {
      notes.push('wasm backend skipped (no WebAssembly SIMD here)');
    }
    if (await start('cpu', notes)) return { backend: 'cpu', notes };
    throw new Error(`no TensorFlow.js backend could start: ${notes.join('; ')}`);
  })();
  return backendPromise;
}

async function start(name, notes) {
  try {
    if (await setBackend(name)) {
      await ready();
      return true;
    }
    notes.push(`${name} backend did not start`);
  } catch (err) {
    notes.push(`${name} backend failed (${err.message})`);
  }
  return false;
}

export function tensorCount() {
  return memory().numTensors;
}

// [1, n] row times [n, m] weights (+ bias, + a fused activation) -> Float32Array(m), read back
// synchronously (both backends read at once).
export function matMulRow(row, weights, bias, activation) {
  return matMul(row, 1, weights, bias, activation);
}

// [rows, n] (a Float32Array, row-major) times [n, m] weights (+ bias) -> Float32Array(rows * m).
export function matMul(values, rows, weights, bias, activation = 'linear') {
  const a = tensor2d(values, [rows, values.length / rows]);
  const out = fused.matMul({ a, b: weights, bias: bias ?? undefined, activation });
  try {
    return out.dataSync().slice(); // a copy: a backend may hand out its own buffer
  } finally {
    dispose([a, out]);
  }
}

