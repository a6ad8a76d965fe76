// `npm install`'s last word on the desktop app: one line when Electron's binary is missing, nothing when it is there.
import { electronBinary, NO_ELECTRON_BINARY } from './electron-binary.mjs';

if (electronBinary() === undefined) console.log(NO_ELECTRON_BINARY);
