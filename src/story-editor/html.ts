/**
 * The story editor's page: the shared strict CSP (see src/format/webview-page.ts), the bundle's
 * script and stylesheet, codicons, and an empty #app the bundle fills. The story's name is not
 * in the page: it arrives over RPC and is set as text. No `vscode` import.
 */
import { createNonce, escapeAttr, pageHeadMeta } from '../format/webview-page';

export interface StoryEditorHtmlInput {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  nonce?: string;
}

export function storyEditorHtml(input: StoryEditorHtmlInput): string {
  const nonce = input.nonce ?? createNonce();
  const a = escapeAttr;
  return `<!DOCTYPE html>
<html lang="en">
<head>
${pageHeadMeta(input.cspSource, nonce)}
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${a(input.codiconsUri)}">
<link rel="stylesheet" href="${a(input.styleUri)}">
<title>Voice History Story Editor</title>
</head>
<body>
<main id="app" aria-label="Story editor"></main>
<script nonce="${a(nonce)}" src="${a(input.scriptUri)}"></script>
</body>
</html>`;
}
