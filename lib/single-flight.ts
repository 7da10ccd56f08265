/**
 * One run at a time per key in this process, and no work left behind: a call while a run is
 * going marks it to go round once more and shares its promise. Webhooks call the drain, the
 * flush and the recovery this way from `after()`, so a burst of deliveries collapses into a few
 * rounds instead of one concurrent run each (the Redis leases keep other processes out).
 *
 * `merge` folds each round's result into the total the callers receive (default: the last).
 */
interface Flight {
  promise: Promise<unknown>;
  again: boolean;
}

const flights = new Map<string, Flight>();

export function coalesce<T>(key: string, round: () => Promise<T>, merge: (total: T, next: T) => T = (_total, next) => next): Promise<T> {
  const current = flights.get(key);
  if (current) {
    current.again = true;
    return current.promise as Promise<T>;
  }
  const flight: Flight = { promise: Promise.resolve(), again: false };
  const loop = async (): Promise<T> => {
    flight.again = false;
    let total: T = await round();
    while (flight.again) {
      flight.again = false;
      total = merge(total, await round());
    }
    return total;
  };
  const promise = loop().finally(() => flights.delete(key));
  flight.promise = promise;
  flights.set(key, flight);
  return promise;
}

/** Whether a run under `key` is going in this process (for tests and the health of a shutdown). */
export const inFlight = (key: string): boolean => flights.has(key);
