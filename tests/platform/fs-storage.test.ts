import { describe, expect, it } from 'vitest';
import { FsStorage } from '../../functions/platform/storage/fs.ts';
import { tempDataDir } from '../helpers.ts';
import { storageContract } from './storage-contract.ts';

describe('filesystem storage', () => {
  storageContract(async () => {
    const { dir, cleanup } = tempDataDir();
    return { storage: new FsStorage(dir), cleanup };
  });

  it('refuses keys that escape its root', async () => {
    const { dir, cleanup } = tempDataDir();
    try {
      await expect(new FsStorage(dir).put('../outside.json', 'x')).rejects.toThrow('escapes the root');
    } finally {
      cleanup();
    }
  });
});
