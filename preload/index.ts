/** The preload: puts the bridge on `window.bakehouse` through contextBridge; the renderer gets no Node and no ipcRenderer. */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('bakehouse', createBridge(ipcRenderer));
