"""The demo data generator: messy exports with a ground truth. Not a pipeline stage."""
