export function ensureAudioMeters(): void;
export function ensureDebianPackages(): void;
export function ensureCodeServer(): void;
export function setup(): void;
