import { writeJsonAtomic } from '../persistence.js';
import type { Store } from '../store.js';
import type { EmulatorLogger } from '../types.js';

/** Writes the store to the data file (when there is one), batching changes made close together. */
export class DataFileWriter {
  #ready = false;
  #saveTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string | undefined,
    private readonly store: Store,
    private readonly logger: EmulatorLogger | undefined,
  ) {}

  /** Starts saving changes (none are saved while the emulator starts) and writes the file once. */
  async activate(): Promise<void> {
    this.#ready = true;
    if (this.file) {
      this.#dirty = true;
      await this.flush();
    }
  }

  /** Waits until the data file reflects every change made so far. */
  async flush(): Promise<void> {
    if (this.#saveTimer) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
    }
    if (this.#dirty) await this.#save();
    await this.#saving;
  }

  /** Notes a change; it is written shortly after, together with those that follow. */
  scheduleSave(): void {
    if (!this.file || !this.#ready) return;
    this.#dirty = true;
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      void this.#save();
    }, 20);
    this.#saveTimer.unref();
  }

  #save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    this.#saving = this.#saving.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await writeJsonAtomic(file, this.store.toJSON());
      } catch (error) {
        this.#dirty = true;
        this.logger?.error(`could not write the data file ${file}: ${(error as Error).message}`);
      }
    });
    return this.#saving;
  }
}
