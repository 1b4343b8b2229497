// The canvas webview's entry point: styles, the host connection, and React. Nothing else.
import '@xyflow/react/dist/style.css';
import '@vscode/codicons/dist/codicon.css';
import './canvas.css';
import { createRoot } from 'react-dom/client';
import { CanvasApp } from './components/CanvasApp.js';
import { vscodeHost, type VsCodeApi } from './host.js';
import { mark } from './state/timeline.js';

declare function acquireVsCodeApi(): VsCodeApi;

// After every module of the bundle ran (ELK's and React's initialisation included).
mark('script');
createRoot(document.getElementById('root')!).render(<CanvasApp host={vscodeHost(acquireVsCodeApi())} />);
