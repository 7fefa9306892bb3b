// The story editor webview's entry: builds the skeleton, then loads the story from the host.
import '../player/nonce';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import './story-editor.css';
import type { StoryEditorRouter } from '../../src/story-editor/router';
import { createWebviewClient } from '../rpc/client';
import { StoryEditorApp, type VsCodeApi } from './app';
import { buildLayout } from './layout';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app');
if (root) {
  const vscode = acquireVsCodeApi();
  const rpc = createWebviewClient<StoryEditorRouter>({ target: vscode, source: window });
  const app = new StoryEditorApp(buildLayout(root), rpc, vscode);
  // The e2e tests and the benchmark read the app's state and metrics.
  (window as unknown as { vhStoryEditor?: StoryEditorApp }).vhStoryEditor = app;
  void app.start();
}
