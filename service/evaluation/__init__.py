"""`newsbrief eval`: score engines and prompt versions side by side on a JSONL dataset.

* `dataset` reads `{article, reference}` rows, filters, samples.
* `metrics` and `actors` are the pure metric functions (ROUGE, figure and actor recall,
  grounding, percentiles); `scoring` turns one digest into a row score and rows into
  per-configuration metrics.
* `runner` drives the real pipeline with bounded concurrency and a progress bar.
* `report` builds the JSON report and renders the rich and Markdown tables.
"""
