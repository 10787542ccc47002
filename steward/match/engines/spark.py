"""The pair stages on Apache Spark: ``steward dedupe --engine spark``, or the Dagster
``match_engine`` resource set to ``spark``.

What runs where:

- blocking: one Spark join over all the rules' keys (one row per record and rule; keys shared
  by more than ``max_block_size`` records skipped and reported, as on one machine); pairs found
  by several rules are kept once, under the first rule that found them;
- scoring: the candidate pairs joined to both records and compared by the very functions the
  local engine uses (``score_chunk``: the Splink-style comparison levels, rapidfuzz's ``cpdist``)
  inside ``mapInPandas``, one Arrow batch of pairs at a time;
- clustering: connected components of the match graph by alternating large-star / small-star
  rounds (Kiveris et al., "Connected Components in MapReduce and Beyond", 2014) as plain
  DataFrame joins (no GraphFrames jar: nothing is downloaded at run time), then every component
  that could chain two different people is repaired by ``safe_clusters`` itself, a bucket of
  components per ``applyInPandas`` group, with their own records and pairs.

The fit (u from random record pairs, EM over level patterns, the guard) runs on the driver
from the scored pairs, as it does locally. Normalisation, golden records and the review queue
run on the driver too: they are linear in records, while the pair stages grow with pairs.
Results come back as the same pandas frames the local engine returns, so everything after
matching is unchanged: the same clusters, numbered the same way.
"""

from __future__ import annotations

import logging
import os
import sys

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from steward.config.matching import MatchingSettings
from steward.match.blocking import BlockingResult, parse_rules
from steward.match.cluster import safe_clusters
from steward.match.engines.local import LocalEngine
from steward.match.model import MatchModel, records_for, score_chunk
from steward.progress import report

log = logging.getLogger("steward.match.engines.spark")

# Settings for sessions this module starts; ``conf`` (and a cluster's own settings) win.
SESSION_DEFAULTS = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # Scoring's fixed cost per Arrow batch (building frames of ~50 prepared columns) is paid per
    # batch: fewer, larger batches than Spark's 10,000 rows.
    "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}
# In local mode 200 shuffle partitions of a few thousand rows each cost more in task start-up than
# the work: a few per core.
LOCAL_SHUFFLE_PARTITIONS_PER_CORE = 4


def _local_driver_gb() -> int:
    """A quarter of this machine's memory (at least 2 GB) for a local-mode Spark JVM."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2
    return max(2, int(total / 4 / 2**30))


def spark_session(master: str | None = None, conf: dict | None = None) -> SparkSession:
    """The active session (spark-submit, Databricks, a notebook) or a new one on ``master``
    (default ``local[*]``: every core of this machine)."""
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    # Local mode starts Python workers with whatever `python3` is on PATH; they must be this
    # interpreter, which has pandas, pyarrow and rapidfuzz. A cluster sets PYSPARK_PYTHON itself.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    master = master or "local[*]"
    settings = dict(SESSION_DEFAULTS)
    if master.startswith("local"):
        settings["spark.sql.shuffle.partitions"] = str(LOCAL_SHUFFLE_PARTITIONS_PER_CORE * (os.cpu_count() or 1))
        # Local mode runs everything in the driver's JVM, 1 GB by default: the cached records and
        # scored pairs of a 100k-record run alone outgrow it and spill or are computed again.
        settings["spark.driver.memory"] = f"{_local_driver_gb()}g"
    builder = SparkSession.builder.appName("crm-steward").master(master)
    for key, value in {**settings, **(conf or {})}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session


def _text_frame(contacts: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``pos`` (the record's row) and ``columns`` as text or null (numbers, value codes and flags as they
    are): what crosses into Spark."""
    out = {"pos": np.arange(len(contacts), dtype=np.int64)}
    for column in columns:
        values = contacts[column]
        if values.dtype.kind in "fiub":
            out[column] = values.to_numpy()
            continue
        text = values.astype(object)
        out[column] = text.where(text.notna(), None).map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return pd.DataFrame(out)


def _schema_of(frame: pd.DataFrame) -> T.StructType:
    fields = []
    for column, dtype in frame.dtypes.items():
        kind = T.LongType() if dtype.kind in "iu" else T.DoubleType() if dtype.kind == "f" else \
            T.BooleanType() if dtype.kind == "b" else T.StringType()
        fields.append(T.StructField(column, kind, True))
    return T.StructType(fields)


def _score_schema(model: MatchModel) -> tuple[pd.DataFrame, T.StructType]:
    """score_chunk's columns for no pairs (their dtypes) and the Spark schema of a scored pair."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in model.needed_columns_base})
    template = score_chunk(empty, empty, model)
    fields = [T.StructField("left", T.LongType(), False), T.StructField("right", T.LongType(), False),
              T.StructField("rule_index", T.IntegerType(), False)]
    for name, dtype in template.dtypes.items():
        kind = T.ByteType() if isinstance(dtype, pd.CategoricalDtype) else \
            T.FloatType() if dtype == np.float32 else T.DoubleType()
        fields.append(T.StructField(name, kind, False))
    return template, T.StructType(fields)


def connected_components(edges: DataFrame, max_rounds: int = 100) -> DataFrame:
    """(node, component) for every node on an edge of ``edges`` (columns ``a``, ``b``: an
    undirected graph); a component is named by its smallest node.

    Alternating large-star and small-star rounds: each round hangs nodes on the smallest node
    they can see, and the graph becomes one star per component (every edge from a leaf to the
    component's smallest node) in O(log² n) rounds. Each round is checkpointed so the plan does
    not grow with the rounds."""
    edges = edges.select(F.greatest("a", "b").alias("hi"), F.least("a", "b").alias("lo")) \
        .where(F.col("hi") != F.col("lo")).distinct().localCheckpoint()
    for rounds in range(1, max_rounds + 1):
        # Large star: every neighbour bigger than a node is hung on the smallest of the node's
        # neighbourhood (itself included).
        both = edges.select(F.col("hi").alias("u"), F.col("lo").alias("v")) \
            .unionByName(edges.select(F.col("lo").alias("u"), F.col("hi").alias("v")))
        smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
        large = both.where(F.col("v") > F.col("u")).join(smallest, "u") \
            .select(F.col("v").alias("hi"), F.col("m").alias("lo")).distinct()
        # Small star: a node and its smaller neighbours are hung on the smallest of them.
        low = large.groupBy("hi").agg(F.min("lo").alias("m"))
        hung = large.join(low, "hi").select(F.col("lo").alias("x"), "m") \
            .unionByName(low.select(F.col("hi").alias("x"), "m"))
        edges = hung.where(F.col("x") != F.col("m")) \
            .select(F.col("x").alias("hi"), F.col("m").alias("lo")).distinct().localCheckpoint()
        report("cluster (connected components)", rounds, None, "rounds")
        # Done when the graph is stars: every node hangs on one node, and no node others hang on
        # hangs on anything itself.
        leaves = edges.groupBy("hi").count()
        centres = edges.select(F.col("lo").alias("hi")).distinct()
        if leaves.where(F.col("count") > 1).isEmpty() and centres.join(leaves, "hi").isEmpty():
            log.info("connected components: %d large-star/small-star rounds", rounds)
            break
    else:
        raise RuntimeError(f"connected components did not settle in {max_rounds} rounds")
    return edges.select(F.col("hi").alias("node"), F.col("lo").alias("component")) \
        .unionByName(edges.select(F.col("lo").alias("node"), F.col("lo").alias("component")).distinct())


class SparkEngine(LocalEngine):
    """The pair stages on Spark (see the module docstring); the fit stays LocalEngine's."""

    name = "spark"

    def __init__(self, spark: SparkSession | None = None, master: str | None = None, conf: dict | None = None):
        self.spark = spark or spark_session(master, conf)
        # Spark frames behind the last pandas frames this engine returned, so the next stage
        # does not send them back over: (pandas frame, Spark frame), compared by identity.
        self._records_cache: tuple[pd.DataFrame, tuple, DataFrame] | None = None
        self._pairs_cache: tuple[pd.DataFrame, DataFrame] | None = None
        self._scored_cache: tuple[pd.DataFrame, DataFrame] | None = None

    # -- data in and out ----------------------------------------------------------------------------
    def _records(self, contacts: pd.DataFrame, columns: tuple, prepare=None) -> DataFrame:
        """``contacts`` (``prepare``d first, if given) as a cached Spark frame, kept for the next call."""
        cached = self._records_cache
        if cached is not None and cached[0] is contacts and cached[1] == columns:
            return cached[2]
        prepared = prepare(contacts) if prepare is not None else contacts[list(columns)]
        frame = _text_frame(prepared, list(prepared.columns))
        records = self.spark.createDataFrame(frame, schema=_schema_of(frame)).cache()
        if cached is not None:
            cached[2].unpersist()
        self._records_cache = (contacts, columns, records)
        return records

    def _model_records(self, contacts: pd.DataFrame, model: MatchModel) -> DataFrame:
        """The records as the comparisons read them (``records_for``: codes, per-record features and
        term frequencies counted over all records here: a Spark task sees only some of them)."""
        return self._records(contacts, ("model", id(model)), lambda frame: records_for(frame, model))

    def _pairs(self, pairs: pd.DataFrame) -> DataFrame:
        if self._pairs_cache is not None and self._pairs_cache[0] is pairs:
            return self._pairs_cache[1]
        rules = pairs["rule"].cat.codes.to_numpy(np.int32) if "rule" in pairs and \
            isinstance(pairs["rule"].dtype, pd.CategoricalDtype) else np.zeros(len(pairs), dtype=np.int32)
        frame = pd.DataFrame({"left": pairs["left"].to_numpy(np.int64), "right": pairs["right"].to_numpy(np.int64),
                              "rule_index": rules})
        return self.spark.createDataFrame(frame, schema="left long, right long, rule_index int")

    def _scored(self, scored: pd.DataFrame, model: MatchModel) -> DataFrame:
        """Scored pairs in Spark for clustering: left, right, match_weight, match_probability and
        the level codes."""
        if self._scored_cache is not None and self._scored_cache[0] is scored:
            return self._scored_cache[1]
        frame = pd.DataFrame({"left": scored["left"].to_numpy(np.int64), "right": scored["right"].to_numpy(np.int64),
                              "match_weight": scored["match_weight"].to_numpy(np.float64),
                              "match_probability": scored["match_probability"].to_numpy(np.float64)})
        for c in model.comparisons:
            frame[f"{c.name}_level"] = scored[f"{c.name}_level"].cat.codes.to_numpy(np.int8)
        schema = T.StructType([T.StructField(k, T.LongType() if k in ("left", "right") else
                                             T.ByteType() if k.endswith("_level") else T.DoubleType(), False)
                               for k in frame.columns])
        return self.spark.createDataFrame(frame, schema=schema)

    # -- block ---------------------------------------------------------------------------------------
    def candidate_pairs(self, contacts: pd.DataFrame, matching: MatchingSettings) -> BlockingResult:
        rules, max_block = parse_rules(matching)
        columns = list(dict.fromkeys(c for rule in rules for c in rule.columns))
        missing = [c for c in columns if c not in contacts.columns]
        if missing:
            bad = next(r for r in rules if any(c in missing for c in r.columns))
            raise ValueError(f"rules/matching.yaml: blocking rule {bad.name} uses unknown column(s) "
                             f"{[c for c in bad.columns if c in missing]}")
        records = self._records(contacts, tuple(columns))
        # One keyed row per record and rule (the rule's values as one array key), so every rule is
        # sized and joined in the same few shuffles instead of a chain of joins per rule.
        keyed = None
        for index, rule in enumerate(rules):
            usable = F.lit(True)
            for key in rule.columns:  # a missing or empty value is no key
                usable = usable & F.col(key).isNotNull() & (F.col(key) != "")
            rows = records.where(usable).select("pos", F.lit(index).alias("rule_index"),
                                                F.array(*[F.col(k) for k in rule.columns]).alias("key"))
            keyed = rows if keyed is None else keyed.unionByName(rows)
        block = Window.partitionBy("rule_index", "key")
        sized = keyed.withColumn("records", F.count("*").over(block)).cache()
        skipped = sized.where(F.col("records") > max_block).groupBy("rule_index", "key") \
            .agg(F.first("records").alias("records"))
        kept = sized.where(F.col("records") <= max_block).drop("records")
        found = kept.withColumnRenamed("pos", "left").join(kept.withColumnRenamed("pos", "right"), ["rule_index", "key"]) \
            .where(F.col("left") < F.col("right"))
        # A pair several rules find is kept once, under the first rule (rules/matching.yaml order).
        unique = found.groupBy("left", "right").agg(F.min("rule_index").alias("rule_index")).cache()
        local = unique.toPandas()
        order = np.lexsort((local["right"].to_numpy(), local["left"].to_numpy()))
        pairs = pd.DataFrame({
            "left": local["left"].to_numpy(np.int64)[order], "right": local["right"].to_numpy(np.int64)[order],
            "rule": pd.Categorical.from_codes(local["rule_index"].to_numpy(np.int16)[order],
                                              categories=[r.name for r in rules]),
        })
        skipped_keys = skipped.select("rule_index", F.array_join("key", "|").alias("key"), "records").toPandas()
        sized.unpersist()
        skipped_keys = skipped_keys.sort_values(["rule_index", "key"], ignore_index=True)
        skipped_keys = pd.DataFrame({"rule": [rules[i].name for i in skipped_keys["rule_index"]],
                                     "key": skipped_keys["key"].astype(object),
                                     "records": skipped_keys["records"].to_numpy(np.int64)})
        report("block", len(rules), len(rules), "rules")
        self._pairs_cache = (pairs, unique)
        log.info("spark blocking: %d candidate pairs, %d keys skipped", len(pairs), len(skipped_keys))
        return BlockingResult(pairs=pairs, skipped_keys=skipped_keys)

    # -- score ---------------------------------------------------------------------------------------
    def score(self, contacts: pd.DataFrame, pairs: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
        template, schema = _score_schema(model)
        records = self._model_records(contacts, model)
        columns = [c for c in records.columns if c != "pos"]
        left = records.select(F.col("pos").alias("left"), *[F.col(c).alias(f"l__{c}") for c in columns])
        right = records.select(F.col("pos").alias("right"), *[F.col(c).alias(f"r__{c}") for c in columns])
        joined = self._pairs(pairs).join(left, "left").join(right, "right")
        levels = {f"{c.name}_level" for c in model.comparisons}

        def score_batches(batches):
            # The same pure function as on one machine, one Arrow batch of pairs at a time; the
            # records were prepared once (value codes, features) before they were sent.
            for batch in batches:
                one = pd.DataFrame({c: batch[f"l__{c}"].to_numpy() for c in columns})
                two = pd.DataFrame({c: batch[f"r__{c}"].to_numpy() for c in columns})
                scored = score_chunk(one, two, model)
                out = {"left": batch["left"].to_numpy(), "right": batch["right"].to_numpy(),
                       "rule_index": batch["rule_index"].to_numpy()}
                for name in template.columns:
                    out[name] = scored[name].cat.codes.to_numpy() if name in levels else scored[name].to_numpy()
                yield pd.DataFrame(out)

        scored_spark = joined.mapInPandas(score_batches, schema).cache()
        local = scored_spark.toPandas()
        report("score pairs", len(local), len(pairs), "pairs")
        order = np.lexsort((local["right"].to_numpy(), local["left"].to_numpy()))
        out = {"left": local["left"].to_numpy(np.int64)[order], "right": local["right"].to_numpy(np.int64)[order]}
        if "rule" in pairs:
            out["rule"] = pd.Categorical.from_codes(local["rule_index"].to_numpy(np.int16)[order],
                                                    dtype=pairs["rule"].dtype)
        for name, dtype in template.dtypes.items():
            values = local[name].to_numpy()[order]
            out[name] = pd.Categorical.from_codes(values.astype(np.int8), dtype=dtype) \
                if isinstance(dtype, pd.CategoricalDtype) else values.astype(dtype)
        result = pd.DataFrame(out)
        self._scored_cache = (result, scored_spark.select(
            "left", "right", "match_weight", "match_probability", *[f"{c.name}_level" for c in model.comparisons]))
        return result

    # -- cluster -------------------------------------------------------------------------------------
    def cluster(self, contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel,
                must_link: pd.DataFrame | None = None,
                cannot_link: pd.DataFrame | None = None) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
        n = len(contacts)
        threshold = model.match_threshold
        pairs = self._scored(scored, model)
        edges = pairs.where(F.col("match_probability") >= threshold) \
            .select(F.least("left", "right").alias("a"), F.greatest("left", "right").alias("b"))
        if cannot_link is not None and len(cannot_link):  # a reviewer's rejection removes the edge
            banned = self._link_frame(cannot_link)
            edges = edges.join(banned, ["a", "b"], "left_anti")
        if must_link is not None and len(must_link):  # and an approval adds one
            edges = edges.unionByName(self._link_frame(must_link))
        found = connected_components(edges).toPandas()
        # The component of each record named by its smallest record (records without a link are their
        # own), numbered by that record: the numbering scipy's connected_components gives locally.
        smallest = np.arange(n, dtype=np.int64)
        smallest[found["node"].to_numpy(np.int64)] = found["component"].to_numpy(np.int64)
        _, components = np.unique(smallest, return_inverse=True)
        components = components.astype(np.int64)

        sizes = np.bincount(components) if n else np.zeros(0, dtype=np.int64)
        suspicious = sizes >= 3
        if cannot_link is not None and len(cannot_link):  # components a reviewer's cannot-link cuts through
            cl, cr = cannot_link["left"].to_numpy(np.int64), cannot_link["right"].to_numpy(np.int64)
            suspicious[components[cl][components[cl] == components[cr]]] = True
        labels = components.copy()
        refused = pd.DataFrame(columns=["left", "right", "reason"])
        if suspicious.any():
            labels, refused = self._repair(contacts, pairs, model, components, suspicious, must_link, cannot_link)
        return labels, refused, components

    def _link_frame(self, links: pd.DataFrame) -> DataFrame:
        a, b = links["left"].to_numpy(np.int64), links["right"].to_numpy(np.int64)
        frame = pd.DataFrame({"a": np.minimum(a, b), "b": np.maximum(a, b)})
        return self.spark.createDataFrame(frame, schema="a long, b long")

    def _repair(self, contacts: pd.DataFrame, pairs: DataFrame, model: MatchModel, components: np.ndarray,
                suspicious: np.ndarray, must_link: pd.DataFrame | None,
                cannot_link: pd.DataFrame | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Every component that could chain different people rebuilt by ``safe_clusters`` on its own
        records and pairs, one ``applyInPandas`` group per component."""
        n = len(components)
        members = np.flatnonzero(suspicious[components])
        # Components go to the clusterer in buckets, several per call: each call has a fixed cost
        # (preparing its records), and independent components clustered together come out as
        # each would alone.
        buckets = max(1, 4 * self.spark.sparkContext.defaultParallelism)
        membership = pd.DataFrame({"pos": members, "component": components[members],
                                   "bucket": components[members] % buckets})

        def side(names: str) -> DataFrame:  # (a frame of its own per side: no ambiguous self-join)
            return self.spark.createDataFrame(membership, schema=names)

        inside = pairs.join(side("left long, component long, bucket long"), "left") \
            .join(side("right long, other long, other_bucket long"), "right") \
            .where(F.col("component") == F.col("other")).drop("other", "other_bucket", "component")
        records = self._model_records(contacts, model).join(side("pos long, component long, bucket long"), "pos") \
            .drop("component")
        rules = model.contradiction_rules
        levels = {f"{c.name}_level": list(c.levels) for c in model.comparisons}
        must = must_link[["left", "right"]].astype(np.int64) if must_link is not None and len(must_link) else None
        cannot = cannot_link[["left", "right"]].astype(np.int64) if cannot_link is not None and len(cannot_link) \
            else None
        threshold = model.match_threshold

        def repair(component_pairs: pd.DataFrame, component_records: pd.DataFrame) -> pd.DataFrame:
            # One bucket of components, numbered 0..k-1 in record order, clustered by the local clusterer.
            component_records = component_records.sort_values("pos", ignore_index=True)
            ids = component_records["pos"].to_numpy(np.int64)
            local = component_pairs.assign(left=np.searchsorted(ids, component_pairs["left"].to_numpy()),
                                           right=np.searchsorted(ids, component_pairs["right"].to_numpy()))
            for column, names in levels.items():
                local[column] = pd.Categorical.from_codes(local[column].to_numpy(np.int8), categories=names)
            own = component_records.drop(columns=["pos", "bucket"])

            def within(links):
                if links is None:
                    return None
                inner = np.isin(links["left"], ids) & np.isin(links["right"], ids)
                return pd.DataFrame({"left": np.searchsorted(ids, links["left"].to_numpy()[inner]),
                                     "right": np.searchsorted(ids, links["right"].to_numpy()[inner])})

            sub, refused = safe_clusters(len(ids), local.sort_values(["left", "right"], ignore_index=True), threshold,
                                         score_pairs_fn=lambda p: model.predict(own, p), contradiction_rules=rules,
                                         must_link=within(must), cannot_link=within(cannot))
            rows = [pd.DataFrame({"kind": "label", "a": ids, "b": sub.astype(np.int64)})]
            if len(refused):
                rows.append(pd.DataFrame({"kind": "refused", "a": ids[refused["left"].to_numpy(np.int64)],
                                          "b": ids[refused["right"].to_numpy(np.int64)]}))
            return pd.concat(rows, ignore_index=True)

        result = inside.groupBy("bucket").cogroup(records.groupBy("bucket")) \
            .applyInPandas(repair, schema="kind string, a long, b long").toPandas()
        report("cluster (repair components)", int(len(np.unique(components[members]))), None, "components")
        repaired = result[result["kind"] == "label"].sort_values("a")
        ids, sub = repaired["a"].to_numpy(np.int64), repaired["b"].to_numpy(np.int64)
        # Numbered as safe_clusters numbers them: repaired groups after the untouched components, in the
        # order of their first record, then made dense.
        labels = components.copy()
        group = components[ids] * (n + 1) + sub
        _, first, inverse = np.unique(group, return_index=True, return_inverse=True)
        rank = np.empty(len(first), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(first))
        labels[ids] = components.max() + 1 + rank[inverse]
        _, labels = np.unique(labels, return_inverse=True)
        refused = result[result["kind"] == "refused"]
        refused = pd.DataFrame({"left": refused["a"].to_numpy(np.int64), "right": refused["b"].to_numpy(np.int64),
                                "reason": "would join records that contradict each other"})
        return labels.astype(np.int64), refused

    def close(self) -> None:
        for cached in (self._records_cache, self._pairs_cache, self._scored_cache):
            if cached is not None:
                cached[-1].unpersist()
        self._records_cache = self._pairs_cache = self._scored_cache = None
