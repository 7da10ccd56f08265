import { inject } from "vitest";
import { waitForStack } from "../../harness/test-stack-info";

// Setup file of the stack project: no stack test starts before the background launch is up.
await waitForStack(inject("stackDir"), 900_000);
