import type { Browser, Page } from 'playwright-core';

export const root: string;
export interface CodeServer {
  host: string;
  port: number;
  temp: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  output(): string;
  stop(): Promise<void>;
}
export function freePort(): Promise<number>;
export function startCodeServer(opts?: {
  workspace?: string;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  extensionsDir?: string;
  quiet?: boolean;
}): Promise<CodeServer>;
export function workbenchUrl(
  server: CodeServer,
  opts?: { extensionDevelopmentPath?: string; extensionTestsPath?: string; folder?: string },
): string;
export function launchBrowser(): Promise<Browser>;
export function openWorkbench(opts: {
  server: CodeServer;
  extensionDevelopmentPath?: string | undefined;
  extensionTestsPath?: string;
  theme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
}): Promise<{ browser: Browser; page: Page; close(): Promise<void> }>;
