// Makes this machine able to run the real-VS-Code test layers, offline and idempotently:
// Debian chromium + ripgrep (+ ffmpeg and sox for the effects tests, flac and lame for the format tests), and code-server's own VS Code dependencies (its postinstall
// cannot run offline, so we do the parts it needs by hand). A second run skips what is done.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vscodeDir = join(root, 'node_modules', 'code-server', 'lib', 'vscode');
const marker = join(vscodeDir, '.voice-history-setup-done');

function run(cmd, cwd = root) {
  console.log(`[setup] ${cmd}`);
  execSync(cmd, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

function have(bin) {
  try {
    execSync(`command -v ${bin}`, { stdio: 'ignore', shell: '/bin/bash' });
    return true;
  } catch {
    return false;
  }
}

function aptInstall(missing) {
  if (missing.length === 0) return;
  const sudo = process.getuid && process.getuid() === 0 ? '' : 'sudo ';
  run(`${sudo}apt-get update -qq`);
  run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`);
}

/** The independent meters (and signal makers, reference encoders) of the effects and format tests and benches; never shipped. */
const AUDIO_TOOLS = ['ffmpeg', 'sox', 'flac', 'lame'];

export function ensureAudioMeters() {
  aptInstall(AUDIO_TOOLS.filter((bin) => !have(bin)));
}

export function ensureDebianPackages() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!have('rg')) missing.push('ripgrep');
  missing.push(...AUDIO_TOOLS.filter((bin) => !have(bin)));
  aptInstall(missing);
}

export function ensureCodeServer() {
  if (!existsSync(join(root, 'node_modules', 'code-server', 'package.json'))) {
    throw new Error('code-server is not installed: run `npm install` (or `npm ci`) first.');
  }
  if (existsSync(marker)) return;
  const shrinkwrap = join(vscodeDir, 'npm-shrinkwrap.json');
  // The shrinkwrap pins @vscode/proxy-agent to a git URL, which cannot be fetched offline.
  if (existsSync(shrinkwrap)) renameSync(shrinkwrap, `${shrinkwrap}.offline-disabled`);
  run('npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error', vscodeDir);
  run('npm rebuild @vscode/spdlog node-pty native-watchdog --ignore-scripts=false --loglevel=error', vscodeDir);
  run('npm rebuild argon2 --ignore-scripts=false --loglevel=error', root);
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  const rg = join(rgDir, 'rg');
  if (!existsSync(rg)) {
    mkdirSync(rgDir, { recursive: true });
    symlinkSync(execSync('command -v rg', { shell: '/bin/bash' }).toString().trim(), rg);
  }
  writeFileSync(marker, `${JSON.parse(readFileSync(join(root, 'node_modules', 'code-server', 'package.json'), 'utf8')).version}\n`);
}

export function setup() {
  ensureDebianPackages();
  ensureCodeServer();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setup();
  console.log('[setup] ready: chromium, ripgrep, ffmpeg, sox and code-server are in place');
}
