"""The yearly data-quality audit: scorecard per source and field, and its HTML report.

The rooms, in the order an audit goes through them:

* rules/quality.yaml (dimensions, scored fields, defaults) is read by ``steward.config.quality``
* ``values``: columns factorised once, per-distinct-value work lifted back to records
* ``issues``: value checks (free text, dates, phone regions, postcodes)
* ``checks``: per field, which records are present, valid, unique, consistent, fresh
* ``scorecard``: ``run_audit``, the checks counted and weighed into scores
* ``problems``: the top problems and the worst cell
* ``result``: ``AuditResult`` and its JSON form
* ``report``: audit.json, report.html and the history for the trend
"""

from steward.config.quality import load_quality_config
from steward.audit.report import save_audit
from steward.audit.result import AuditResult
from steward.audit.scorecard import run_audit

__all__ = ["AuditResult", "load_quality_config", "run_audit", "save_audit"]
