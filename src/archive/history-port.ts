// The part of the history service the archive layer uses: a Pick of the real class, so it follows
// the service's signatures and a test can pass the real service (never a mock).
import type { HistoryService } from '../history/service';

export type ArchiveHistory = Pick<
  HistoryService,
  | 'getMany'
  | 'list'
  | 'listVersions'
  | 'resolveAudioPath'
  | 'listProfiles'
  | 'getProfile'
  | 'createProfile'
  | 'deleteProfile'
  | 'create'
  | 'update'
  | 'attachAudio'
  | 'addVersion'
  | 'setDefaultVersion'
  | 'delete'
  | 'findByContentHash'
  | 'listStories'
  | 'getStory'
  | 'createStory'
  | 'deleteStory'
  | 'addStoryItem'
  | 'importBatch'
  | 'checkIntegrity'
  | 'reconcile'
  | 'stats'
  | 'listPresets'
>;
