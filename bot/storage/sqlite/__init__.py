"""SQLite storage: one connection on one worker thread (:mod:`.worker`), the statements of each
operation (:mod:`.backend`), and the head schema for a new file (:mod:`.head`)."""
