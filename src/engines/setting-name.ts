// Which user setting an engine config field comes from. A leaf of its own so an engine (openai.ts,
// elevenlabs.ts) can name its settings in errors while settings.ts reads them into the engines'
// config types, without the two importing each other.

/** The setting a config field comes from, for error messages. */
export function settingName(engine: 'openai' | 'elevenlabs', field: string): string {
  return `voiceHistory.${engine}.${field === 'timeoutMs' ? 'timeoutSeconds' : field}`;
}
