// Worker bootstrap. The page builds the worker's source as wasm-bindgen's `no-modules` glue
// (which declares `wasm_bindgen`) followed by this file, and starts it from a Blob URL.
//
// Protocol: the first message is the wasm module's bytes (the same binary the page runs).
// Messages that arrive while the module is instantiating are queued and replayed once the
// Rust entry point `worker_main` has installed its own `onmessage` handler.
(() => {
  "use strict";
  const pending = [];
  self.onmessage = async (first) => {
    self.onmessage = (event) => {
      pending.push(event);
    };
    try {
      await wasm_bindgen({ module_or_path: first.data });
      wasm_bindgen.worker_main();
    } catch (err) {
      const message = String((err && err.stack) || err);
      self.postMessage({ json: JSON.stringify({ type: "boot_failed", message }) });
      return;
    }
    for (const event of pending) {
      self.onmessage(event);
    }
    pending.length = 0;
  };
})();
