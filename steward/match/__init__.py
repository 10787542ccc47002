"""Stage 3, match: blocking, comparisons, the model and its training, scoring, clustering, evaluation."""
