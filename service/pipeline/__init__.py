"""Article in, digest out: prepare the article, ask the engine (the repair loop), long articles in parts."""
