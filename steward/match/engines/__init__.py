"""Where the pair stages run: this process (``LocalEngine``) or Apache Spark (``SparkEngine``,
an optional dependency), behind one interface (``PairEngine``)."""

from __future__ import annotations

from steward.match.engines.local import LocalEngine
from steward.match.engines.protocol import PairEngine

ENGINES = ("local", "spark")

__all__ = ["ENGINES", "LocalEngine", "PairEngine", "engine_named"]


def engine_named(name: str | None, spark_master: str | None = None, spark_conf: dict | None = None):
    """``local`` (default) or ``spark`` (``spark_master``: a Spark master URL such as ``local[*]``,
    ``spark://host:7077`` or ``yarn``; None: the session spark-submit or a notebook provides,
    else ``local[*]``)."""
    name = (name or "local").lower()
    if name == "local":
        return LocalEngine()
    if name == "spark":
        try:  # pyspark is an optional dependency: imported only when Spark is asked for
            from steward.match.engines.spark import SparkEngine
        except ImportError as exc:  # pyspark is an optional dependency
            raise ValueError(f"engine spark needs pyspark (pip install 'crm-steward[spark]'): {exc}") from exc
        return SparkEngine(master=spark_master, conf=spark_conf)
    raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
