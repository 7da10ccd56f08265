import fc from "fast-check";

// Every mutant must meet the same generated inputs, or "killed" and "survived" depend on luck.
fc.configureGlobal({ seed: 20261127 });
