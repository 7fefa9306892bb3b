export function installFixtureExtension(root: string, extensionsDir: string, source?: string): string;
