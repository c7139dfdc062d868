"""écoute's core: the interview, the verdict and storage, free of any chat platform."""
