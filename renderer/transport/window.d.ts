import type { BakehouseBridge } from '../../core/contract/bridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the UI runs in a browser through `bakehouse serve`. */
    bakehouse?: BakehouseBridge;
  }
}

export {};
