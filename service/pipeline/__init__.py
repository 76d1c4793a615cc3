"""Article in, digest out.

    service.pipeline
    ├── prepare     the request's text, or the article trafilatura finds in its HTML
    ├── summarize   `Pipeline`: cache, ask the engine and repair (re-ask with the problems
    │               quoted), ground, degrade to the extractive digest; `verify`
    ├── answers     the schema an answer is asked for and checked against; parsing it
    ├── formats     the short forms of `options.formats`: asked only when named, picked after repair
    ├── candidates  candidate-guided prompts: the model picks among numbered figures and actors
    └── longform    articles over the model's context: split on paragraphs, plan, merge the parts

The request walks down: routes -> `Pipeline.summarize` -> `service.llm` -> grounding -> nlp.
"""
