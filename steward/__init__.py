"""crm-steward engine: plain pandas/Python, no Dagster import.

Data flows one way: sources -> normalise -> match -> merge -> validate -> publish. The
sub-packages are those stages (docs/architecture.md); this module is the small public API
over them:

    from steward import RunContext, dedupe, load_all, load_project

    project = load_project()
    records, quarantine = load_all(project.sources())
    result = dedupe(RunContext.for_project(project), records, quarantine)
    result.golden, result.crosswalk, result.suggestions

Publishing is ``steward.publish.publish(golden, crosswalk, url, ...)`` (the sub-package's name
would shadow a function of that name here). Names are imported on first use (PEP 562), so ``import steward`` stays cheap: the CLI's
``--help`` should not wait for pandas, Great Expectations and rapidfuzz.
"""

from importlib import import_module

__version__ = "0.1.0"

# Public name -> the module that defines it.
_API = {
    "load_project": "steward.config",
    "Project": "steward.config",
    "Settings": "steward.config",
    "load_settings": "steward.config",
    "RunContext": "steward.run",
    "Stewardship": "steward.run",
    "dedupe": "steward.run",
    "DedupeResult": "steward.run",
    "load_all": "steward.sources",
    "LocalEngine": "steward.match.engines",
    "PairEngine": "steward.match.engines",
    "engine_named": "steward.match.engines",
    "run_audit": "steward.audit",
    "contact_key": "steward.schema",
    "StewardError": "steward.errors",
    "ConfigError": "steward.errors",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'steward' has no attribute {name!r}")
    value = getattr(import_module(_API[name]), name)
    globals()[name] = value  # (looked up once)
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
