"""The summary support checker: does the article state what a summary sentence says, and where."""
