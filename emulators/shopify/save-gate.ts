import type { Persistence } from "../shared/state-file";

/**
 * When the state file is written around an answer: before every answer to a request that may
 * have changed the shop (the shared server's `beforeRespond`), except the answer to a GraphQL
 * query, which changes nothing the file holds. Stringifying the whole shop before each
 * storefront or Admin read would cost more than the read itself.
 */
export class SaveGate {
  private quiet = 0;

  constructor(private readonly persistence: Persistence) {}

  readonly beforeRespond = (): void => {
    if (this.quiet === 0) this.persistence.saveNow();
  };

  /** Writes an answer that changed nothing saved. The shared server calls `beforeRespond` synchronously from `writeHead`, so the flag covers exactly this write. */
  unsaved(write: () => void): void {
    this.quiet++;
    try {
      write();
    } finally {
      this.quiet--;
    }
  }
}
