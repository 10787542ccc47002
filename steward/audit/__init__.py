"""The yearly data-quality audit: scorecard per source and field, and its HTML report."""
