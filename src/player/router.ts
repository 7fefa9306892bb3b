/**
 * The player webview's router: exactly the procedures the player uses, and nothing a page should
 * not reach (no bulk `history.delete` without a confirmation, no `deleteFailed`, no
 * `versions.delete`, no import or purge). Deleting from the player goes through `player.delete`,
 * which asks the user first. The webview imports only the *type* `PlayerRouter`.
 */
import { archiveProcedures } from '../rpc/archive-procedures';
import { t } from '../rpc/context';
import { historyProcedures, playerNavigation, versionProcedures } from '../rpc/router';
import { effectsProcedures } from './effects-procedures';
import { playerProcedures } from './procedures';

const { get, audio, peaks, onChanged, setFavorite } = historyProcedures;
const { exportGeneration, exportAudio, reconcile } = archiveProcedures;

export const playerRouter = t.router({
  history: t.router({ get, audio, peaks, onChanged, setFavorite }),
  versions: t.router({ list: versionProcedures.list, setDefault: versionProcedures.setDefault }),
  archive: t.router({ exportGeneration, exportAudio, reconcile }),
  player: t.router({ ...playerNavigation, ...playerProcedures }),
  effects: t.router(effectsProcedures),
});

export type PlayerRouter = typeof playerRouter;
