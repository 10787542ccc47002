"""Source settings: where each source is read from and how its columns map onto the
canonical schema (the ``sources:`` of rules/sources.yaml and rules/demo_sources.yaml), with the
vendor presets of rules/presets/ underneath.

Every key is checked against a schema (pydantic, ``extra="forbid"``): a misspelled key or
canonical field is refused with "did you mean", and every problem of every source is reported in
one ConfigError, never one per run. What the settings cannot know without the data (unmapped
consent values, date formats that do not fit, columns that are not there) is checked by
steward.sources.check against the files.
"""

from __future__ import annotations

import difflib
import os
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError, field_validator

from steward.config.limits import LIMITS_KEY, Limits, LimitsSpec, limits_over
from steward.config.urls import shown_url
from steward.config.yaml_files import read_yaml
from steward.errors import ConfigError
from steward.schema import CONSENT_FLAG_COLUMNS, RECORD_COLUMNS

__all__ = ["ColumnMapping", "ConfigErrors", "MAPPABLE_FIELDS", "SourceConfig", "confirmed_sources", "did_you_mean",
           "file_kind", "parse_sources", "parse_sources_partially", "preset_mappings", "preset_names",
           "source_name_for", "read_preset", "resolve_sqlite_url", "sources_for_files"]

# Fields a source can map beyond the record columns: split into parts by the loader.
COMPOSITE_FIELDS = ("full_name", "full_address")
MAPPABLE_FIELDS: tuple[str, ...] = (*RECORD_COLUMNS, *COMPOSITE_FIELDS)
CONSENT_TARGETS = ("yes", "no", "unknown")
PRESETS_DIR = "presets"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def file_kind(path: Path) -> str:
    """``excel`` for a spreadsheet file, else ``csv``."""
    return "excel" if Path(path).suffix.lower() in EXCEL_SUFFIXES else "csv"


def source_name_for(path: Path) -> str:
    """A source name from a file name: ``Shop Customers.csv`` -> ``shop_customers``."""
    return "".join(ch if ch.isalnum() else "_" for ch in Path(path).stem.lower()).strip("_") or "source"


class ConfigErrors(ConfigError):
    """Several problems in the rules, all reported at once. ``problems``: one line each."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems) if len(self.problems) == 1 else
                         f"{len(self.problems)} problems in the rules:\n" + "\n".join(f"- {p}" for p in self.problems))


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True)
class ColumnMapping:
    """How one canonical field is read from a source.

    ``column``: the source column (None for a constant or a generated id); ``values``: a value map
    (consent fields), keys stripped and casefolded; ``also``: further columns of the same field
    (office + mobile phone: the first filled one is the field, the others are kept as extras);
    ``constant``: one value for every row (Mailchimp's unsubscribed export: email_opt_in "no");
    ``present``: the value when the column is filled at all (CONFIRM_TIME filled -> double opt-in
    "yes"), ``absent`` when it is empty; ``generate_from``: record ids made from these columns'
    content (``("*",)``: every column) for sources without an id; ``optional``: a preset's mapping,
    skipped (and reported) when the file does not have the column."""

    column: str | None
    values: dict[str, str] | None = None
    also: tuple[str, ...] = ()
    constant: str | None = None
    present: str | None = None
    absent: str | None = None
    generate_from: tuple[str, ...] = ()
    optional: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """Every source column this mapping reads."""
        if self.generate_from and self.generate_from != ("*",):
            return self.generate_from
        return ((self.column,) if self.column else ()) + self.also


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str  # csv | excel | sql
    path: Path | None = None
    url: str | None = None
    table: str | None = None
    query: str | None = None
    sheet: str | int | None = None
    delimiter: str = ","
    encoding: str | None = None  # None: detect with charset-normalizer
    default_country: str | None = None
    date_format: str | None = None  # date_of_birth; None: ISO 8601, else inferred when unambiguous
    timestamp_format: str | None = None  # created_at / updated_at
    # The zone of timestamps written without an offset (HubSpot: the portal's zone; a Google
    # Sheet: the sheet's): they are turned into UTC. None: they are taken as UTC already.
    timezone: str | None = None
    columns: dict[str, ColumnMapping] = field(default_factory=dict)
    config_file: Path | None = None
    # The source only records opt-ins that were confirmed (double opt-in flow), so
    # its "yes" counts as confirmed without a per-record double-opt-in flag.
    consent_confirmed: bool = False
    preset: str | None = None
    # Unmapped columns are kept as ``extra_<column>``; here a column can be given another name
    # (``Tags: shop_tags``) or dropped on purpose (``Total Spent: drop``).
    extra_columns: dict[str, str] = field(default_factory=dict)
    # From the preset: a column that means the file is another export, and the preset for it.
    preset_excludes: dict[str, str] = field(default_factory=dict)
    # How big the file, its rows, columns and cells may be (rules/sources.yaml ``limits:``).
    limits: Limits = Limits()

    @property
    def location(self) -> str:
        """Where the data comes from, for error messages and UI metadata."""
        if self.kind == "sql":
            return f"{shown_url(self.url)} ({self.table or 'query'})"
        return str(self.path)

    @property
    def where(self) -> str:
        """The settings block, for error messages: ``rules/sources.yaml: sources.hubspot``."""
        return f"{self.config_file}: sources.{self.name}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Strict):
    column: str | None = None
    columns: list[str] | None = None
    values: dict[str, str] | None = None
    constant: str | None = None
    present: str | None = None
    absent: str | None = None
    generate_from: list[str] | Literal["all"] | None = None

    @field_validator("constant", "present", "absent", mode="before")
    @classmethod
    def _boolean_as_text(cls, value):
        # unquoted yes/true/on read as True by YAML: as a consent value it can only mean "yes"
        return {True: "yes", False: "no"}[value] if isinstance(value, bool) else value

    @field_validator("column")
    @classmethod
    def _named(cls, value):
        if value is not None and not value.strip():
            raise ValueError("an empty column name maps nothing")
        return value

    @field_validator("values", mode="before")
    @classmethod
    def _keys_as_text(cls, value):
        # YAML reads yes/no/true/on unquoted as booleans: a key True means the text "true" was meant.
        if isinstance(value, dict):
            booleans = [k for k in value if isinstance(k, bool)]
            if booleans:
                # The text is gone ("yes", "true" and "on" all read as True): refuse, never guess.
                raise ValueError(f"YAML read the unquoted key(s) {booleans} as true/false; quote the values as "
                                 "the file writes them, e.g. \"Yes\": \"yes\"")
            # A boolean target is unambiguous: yes/true/on all mean "yes".
            return {str(k): ({True: "yes", False: "no"}[v] if isinstance(v, bool) else v) for k, v in value.items()}
        return value


ColumnValue = str | list[str] | ColumnSpec | None


class SourceSpec(_Strict):
    """One source block as written in rules (and, without a path, one preset)."""

    preset: str | None = None
    kind: Literal["csv", "excel", "sql"] | None = None
    path: str | None = None
    url: str | None = None
    table: str | None = None
    query: str | None = None
    sheet: str | int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    default_country: str | None = None
    date_format: str | None = None
    timestamp_format: str | None = None
    timezone: str | None = None
    consent_confirmed: StrictBool | None = None
    columns: dict[str, Any] | None = None  # each checked by _column_spec
    extra_columns: dict[str, str] | None = None
    limits: LimitsSpec | None = None  # over the project's limits: block


class PresetSpec(SourceSpec):
    """A vendor preset: a source block without a location, plus what it is and where its meaning
    is documented."""

    description: str | None = None
    documentation: list[str] | str | None = None
    # Columns only another export of the same vendor has, and the preset for it: Mailchimp's three
    # audience exports share one layout, and reading the unsubscribed one as the subscribed one
    # would turn every unsubscribe into an opt-in.
    excludes: dict[str, str] | None = None
    # Columns that tell this export apart from the vendor's others (steward sources detect).
    signature: list[str] | None = None


def resolve_sqlite_url(url: str, base_dir: Path) -> str:
    # A relative sqlite path would silently resolve against whatever directory the
    # process started in; anchor it to the rules file's base directory instead.
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix:
        rel = url[len(prefix):]
        if not rel.startswith(":memory:"):
            return prefix + str((base_dir / rel).resolve())
    return url


def _pydantic_problems(exc: ValidationError, where: str, model: type[BaseModel]) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        key = ".".join(loc)
        if err["type"] == "extra_forbidden":
            problems.append(f"{where}.{key}: unknown key{did_you_mean(loc[-1], model.model_fields)}")
        else:
            problems.append(f"{where}.{key}: {err['msg'].removeprefix('Value error, ')} (got {err.get('input')!r})")
    return list(dict.fromkeys(problems))


def _validated(spec: Any, where: str, model: type[SourceSpec]) -> tuple[SourceSpec | None, list[str]]:
    """The block checked against ``model``; (None, problems) if wrong. Column mappings are checked
    one by one afterwards (``_column_spec``), so one wrong key never hides the others."""
    if not isinstance(spec, dict):
        return None, [f"{where}: expected a mapping of settings"]
    if spec.get("columns") is not None and not isinstance(spec.get("columns"), dict):
        return None, [f"{where}.columns: expected a mapping of canonical field to source column"]
    try:
        return model.model_validate(spec), []
    except ValidationError as exc:
        return None, _pydantic_problems(exc, where, model)


def _column_spec(value: Any, where: str) -> tuple[ColumnValue, list[str]]:
    if isinstance(value, str) and not value.strip():
        return None, [f"{where}: an empty column name maps nothing (remove the line, or null to unmap a preset's)"]
    if value is None or isinstance(value, str):
        return value, []
    if isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            return value, []
        return None, [f"{where}: give one or more column names"]
    if isinstance(value, dict):
        try:
            return ColumnSpec.model_validate(value), []
        except ValidationError as exc:
            return None, _pydantic_problems(exc, where, ColumnSpec)
    return None, [f"{where}: give a column name, a list of columns or {{column: ..., values: ...}}, got {value!r}"]


def preset_names(rules_dir: Path) -> list[str]:
    return sorted(p.stem for p in (rules_dir / PRESETS_DIR).glob("*.yaml"))


def read_preset(name: str, rules_dir: Path) -> tuple[PresetSpec | None, list[str]]:
    """The preset ``name`` of ``rules_dir``/presets, validated; (None, problems) if it is wrong."""
    path = rules_dir / PRESETS_DIR / f"{name}.yaml"
    if not path.is_file():
        names = preset_names(rules_dir)
        return None, [f"preset {name!r} not found in {path.parent}{did_you_mean(name, names)} "
                      f"(presets: {', '.join(names) or 'none'})"]
    try:
        data = read_yaml(path)
    except ConfigError as exc:
        return None, [str(exc)]
    spec, problems = _validated(data, str(path), PresetSpec)
    if spec is not None and spec.preset:
        problems.append(f"{path}: a preset cannot name another preset")
    return spec, problems


def _column_mapping(canonical: str, value: ColumnValue, where: str, optional: bool) -> tuple[ColumnMapping | None, list[str]]:
    """``value`` as ``_column_spec`` checked it, turned into a ColumnMapping (or the problems)."""
    if isinstance(value, str):
        return ColumnMapping(value, optional=optional), []
    if isinstance(value, list):
        return ColumnMapping(value[0], also=tuple(value[1:]), optional=optional), []
    assert isinstance(value, ColumnSpec)
    columns = ([value.column] if value.column else []) + list(value.columns or [])
    ways = [name for name, given in (("column", bool(columns)), ("constant", value.constant is not None),
                                     ("generate_from", value.generate_from is not None)) if given]
    if len(ways) != 1:
        return None, [f"{where}: give exactly one of column/columns, constant or generate_from (got {ways or 'none'})"]
    problems = []
    consent = canonical in CONSENT_FLAG_COLUMNS
    if value.values is not None and not consent:
        problems.append(f"{where}.values: value maps are for the consent fields {list(CONSENT_FLAG_COLUMNS)}, "
                        f"not {canonical!r}")
    if (value.present is not None or value.absent is not None) and not columns:
        problems.append(f"{where}: present/absent need a column")
    if value.present is not None and value.values is not None:
        problems.append(f"{where}: give either values or present/absent, not both")
    if value.generate_from is not None and canonical != "record_id":
        problems.append(f"{where}.generate_from: only record_id can be generated")
    if consent:
        targets = {**(value.values or {})}
        for label, given in (("constant", value.constant), ("present", value.present), ("absent", value.absent)):
            if given is not None:
                targets[label] = given
        for key, target in targets.items():
            if str(target).strip().casefold() not in CONSENT_TARGETS:
                problems.append(f"{where}.values[{key!r}]: {target!r} is not one of {list(CONSENT_TARGETS)}")
    if problems:
        return None, problems
    generate = value.generate_from
    return ColumnMapping(
        columns[0] if columns else None,
        values={k.strip().casefold(): str(v).strip().casefold() for k, v in value.values.items()} if value.values else None,
        also=tuple(columns[1:]), constant=value.constant, present=value.present, absent=value.absent,
        generate_from=("*",) if generate == "all" else tuple(generate or ()), optional=optional,
    ), []


def preset_mappings(preset: PresetSpec) -> dict[str, ColumnMapping]:
    """The column mappings of a valid preset (what a source naming it starts from)."""
    mappings = {}
    for canonical, raw in (preset.columns or {}).items():
        value, problems = _column_spec(raw, canonical)
        mapping = _column_mapping(canonical, value, canonical, optional=True)[0] if not problems else None
        if mapping is not None:
            mappings[canonical] = mapping
    return mappings


def _merged(spec: SourceSpec, preset: PresetSpec | None) -> tuple[dict[str, Any], dict[str, tuple[ColumnValue, bool]]]:
    """The source's settings over its preset's: (settings, canonical field -> (mapping, from the preset)).
    A source maps a field again to override the preset, or to ``null`` to leave it unmapped."""
    settings = preset.model_dump(exclude_none=True, exclude={"columns", "description", "documentation", "excludes",
                                                                  "signature"}) \
        if preset else {}
    settings.update(spec.model_dump(exclude_none=True, exclude={"columns"}))
    if preset and preset.extra_columns and spec.extra_columns:
        settings["extra_columns"] = {**preset.extra_columns, **spec.extra_columns}
    columns: dict[str, tuple[ColumnValue, bool]] = {k: (v, True) for k, v in (preset.columns or {}).items()} if preset else {}
    for canonical, value in (spec.columns or {}).items():
        columns[canonical] = (value, False)
    return settings, {k: v for k, v in columns.items() if v[0] is not None}


def _source(name: str, spec: SourceSpec, base_dir: Path, config_file: Path,
            rules_dir: Path, limits: Limits = Limits()) -> tuple[SourceConfig | None, list[str]]:
    where = f"{config_file}: sources.{name}"
    problems: list[str] = []
    preset = None
    if spec.preset:
        preset, preset_problems = read_preset(spec.preset, rules_dir)
        problems += [f"{where}.preset: {p}" for p in preset_problems]
    settings, mapped = _merged(spec, preset)
    columns: dict[str, ColumnMapping] = {}
    for canonical, (raw_value, from_preset) in mapped.items():
        if canonical not in MAPPABLE_FIELDS:
            problems.append(f"{where}.columns.{canonical}: not a canonical field{did_you_mean(canonical, MAPPABLE_FIELDS)} "
                            f"(fields: {', '.join(MAPPABLE_FIELDS)}; other columns are kept as extras without mapping)")
            continue
        value, column_problems = _column_spec(raw_value, f"{where}.columns.{canonical}")
        problems += column_problems
        if column_problems:
            continue
        mapping, column_problems = _column_mapping(canonical, value, f"{where}.columns.{canonical}", from_preset)
        problems += column_problems
        if mapping is not None:
            columns[canonical] = mapping
    kind = settings.get("kind")
    if kind is None:
        problems.append(f"{where}.kind: required (csv, excel or sql), or name a preset that sets it")
    if "record_id" not in columns and not any(p.startswith(f"{where}.columns.record_id") for p in problems):
        problems.append(f"{where}.columns.record_id: must be mapped (every record needs an id; a source without one "
                        "can generate it: record_id: {generate_from: all})")
    path, url = settings.get("path"), settings.get("url")
    if kind in ("csv", "excel") and not path:
        problems.append(f"{where}.path: required for kind {kind}")
    if kind == "sql" and (not url or not (settings.get("table") or settings.get("query"))):
        problems.append(f"{where}: kind sql needs 'url' and 'table' or 'query'")
    zone = settings.get("timezone")
    if zone is not None:
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(f"{where}.timezone: {zone!r} is not an IANA time zone"
                            f"{did_you_mean(zone, sorted(zoneinfo.available_timezones()))} (e.g. Europe/Berlin, UTC)")
    for column, target in (settings.get("extra_columns") or {}).items():
        if target != "drop" and not str(target).isidentifier():
            problems.append(f"{where}.extra_columns.{column}: {target!r} must be 'drop' or a name of letters, digits, _")
    if problems:
        return None, problems
    return SourceConfig(
        name=name, kind=kind,
        path=(base_dir / path).resolve() if path else None,
        url=resolve_sqlite_url(os.path.expandvars(url), base_dir) if url else None,
        table=settings.get("table"), query=settings.get("query"), sheet=settings.get("sheet"),
        delimiter=settings.get("delimiter", ","), encoding=settings.get("encoding"),
        default_country=settings.get("default_country"), date_format=settings.get("date_format"),
        timestamp_format=settings.get("timestamp_format"), timezone=settings.get("timezone"),
        columns=columns, config_file=config_file,
        consent_confirmed=bool(settings.get("consent_confirmed", False)), preset=spec.preset,
        extra_columns=dict(settings.get("extra_columns") or {}),
        preset_excludes=dict(preset.excludes or {}) if preset else {},
        limits=limits_over(limits, spec.limits),
    ), []


def project_limits(config_file: Path) -> Limits:
    """The ``limits:`` block of a project's sources file over the defaults (the defaults without
    the file): what ``steward dedupe`` applies to plain files, as a run applies it to sources."""
    if not config_file.is_file():
        return Limits()
    limits, problems = _project_limits(read_yaml(config_file).get(LIMITS_KEY), config_file)
    if problems:
        raise ConfigErrors(problems)
    return limits


def _project_limits(raw: Any, config_file: Path) -> tuple[Limits, list[str]]:
    """The project-wide ``limits:`` block over the defaults (the defaults and its problems if wrong)."""
    if raw is None:
        return Limits(), []
    if not isinstance(raw, dict):
        return Limits(), [f"{config_file}: {LIMITS_KEY}: expected a mapping of limit to value"]
    try:
        return limits_over(Limits(), LimitsSpec.model_validate(raw)), []
    except ValidationError as exc:
        return Limits(), _pydantic_problems(exc, f"{config_file}: {LIMITS_KEY}", LimitsSpec)


def parse_sources(data: dict[str, Any], base_dir: Path, config_file: Path,
                  rules_dir: Path | None = None) -> dict[str, SourceConfig]:
    """The sources of a rules file, each over its preset (from ``rules_dir``/presets; default: the
    rules file's directory). Every problem of every source is collected and raised at once."""
    sources, problems = parse_sources_partially(data, base_dir, config_file, rules_dir)
    if problems:
        raise ConfigErrors(problems)
    return sources


def parse_sources_partially(data: dict[str, Any], base_dir: Path, config_file: Path,
                            rules_dir: Path | None = None) -> tuple[dict[str, SourceConfig], list[str]]:
    """(the sources that are right, every problem of the others): ``steward check`` goes on to
    read the data of the right ones, so one run reports everything."""
    config_file = Path(config_file)
    rules_dir = Path(rules_dir) if rules_dir else config_file.parent
    problems: list[str] = []
    unknown = sorted(set(data) - {"sources", "demo", "source_priority", LIMITS_KEY})
    problems += [f"{config_file}: {key}: unknown top-level key{did_you_mean(key, ['sources', 'demo', LIMITS_KEY])}"
                 for key in unknown]
    limits, limit_problems = _project_limits(data.get(LIMITS_KEY), config_file)
    problems += limit_problems
    raw_sources = data.get("sources") or {}
    if not isinstance(raw_sources, dict):
        return {}, [f"{config_file}: 'sources' must be a mapping of source name to settings"]
    sources: dict[str, SourceConfig] = {}
    for name, raw in raw_sources.items():
        where = f"{config_file}: sources.{name}"
        if not str(name).isidentifier():
            problems.append(f"{where}: source names must be identifiers (letters, digits, _)")
            continue
        spec, spec_problems = _validated(raw, where, SourceSpec)
        problems += spec_problems
        if spec is None and isinstance(raw, dict) and isinstance(raw.get("columns"), dict):
            # Still check the column mappings, so every mistake of the block is reported now.
            partial = SourceSpec.model_construct(columns=raw["columns"])
            problems += [p for p in _source(str(name), partial, base_dir, config_file, rules_dir)[1]
                         if p.startswith(f"{where}.columns.") and ".record_id:" not in p]
        if spec is None:
            continue
        cfg, source_problems = _source(str(name), spec, base_dir, config_file, rules_dir, limits)
        problems += source_problems
        if cfg is not None:
            sources[cfg.name] = cfg
    return sources, problems


def sources_for_files(paths: list[Path], preset: str | None, source: str | None, rules_dir: Path,
                      sources_file: Path | None = None) -> dict[str, SourceConfig]:
    """The sources of ``steward dedupe``/``audit --input``: each file read through ``preset`` (a vendor
    export as it is), named ``source`` or after the file; or every source of a sources file."""
    if sources_file is not None:
        sources_file = Path(sources_file).resolve()
        # Paths in the project's own rules/sources.yaml are relative to the project, as in a run.
        base = rules_dir.resolve().parent if sources_file.parent == Path(rules_dir).resolve() else sources_file.parent
        return parse_sources(read_yaml(sources_file), base, sources_file, rules_dir)
    block: dict[str, dict] = {}
    for path in paths:
        name = source or source_name_for(path)
        if name in block:  # two files would be one source, and one of them read in silence
            raise ConfigErrors([f"--input {block[name]['path']} and {Path(path).resolve()} would both be source "
                                f"{name!r}; rename one file, or list them in a sources file with their own names"])
        block[name] = {"preset": preset, "kind": file_kind(path), "path": str(Path(path).resolve())}
    return parse_sources({"sources": block}, Path.cwd(), Path("--input"), rules_dir)


def confirmed_sources(sources: dict[str, SourceConfig]) -> frozenset[str]:
    """Names of the sources declared ``consent_confirmed: true``: their opt-ins count as confirmed."""
    return frozenset(name for name, cfg in sources.items() if cfg.consent_confirmed)
