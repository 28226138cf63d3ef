// The part of the WebAssembly JS API the engine uses. TypeScript declares it only in the DOM
// library, which the Node build does not include; Node and Electron's main process have it all.
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports: object);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
      /** A SharedArrayBuffer when the memory is shared; a new object after each grow. */
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      grow(pages: number): number;
    }
    function validate(bytes: Uint8Array): boolean;
  }
}

export {};
