"""Reading one rules file: YAML with a mapping at the top, errors naming the file.

Rules files are small (the largest here is 11 KB). A file over ``MAX_RULES_FILE_BYTES`` is
refused before it is parsed, and so is one whose aliases would expand it beyond
``MAX_EXPANDED_NODES`` values: nine nested anchors of nine aliases each (a "billion laughs")
expand to hundreds of millions of values and took 5.2 GB. Anchors and aliases that stay small
(``<<: *defaults``) still work; an alias inside the value it names is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from steward.errors import ConfigError

__all__ = ["MAX_EXPANDED_NODES", "MAX_RULES_FILE_BYTES", "read_yaml"]

MAX_RULES_FILE_BYTES = 2_000_000
MAX_EXPANDED_NODES = 100_000


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded (an alias counts as the
    whole of what it points to). Each node is sized once, so a bomb is measured without being
    expanded."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # being sized: an alias to one of them is a loop
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            open_nodes.discard(id(node))
            continue
        if any(id(child) in open_nodes or child is node for child in children):
            return -1
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _load(text: str, path: Path) -> Any:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node)
        if size < 0:
            raise ConfigError(f"{path}: an alias (*name) refers to the value that holds it; a rules file cannot be "
                              "endless")
        if size > MAX_EXPANDED_NODES:
            raise ConfigError(f"{path}: its aliases (*name) expand to {size:,} values, over the {MAX_EXPANDED_NODES:,} "
                              "a rules file may hold (an alias bomb?); write the values out or use fewer aliases")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        size = Path(path).stat().st_size
        if size > MAX_RULES_FILE_BYTES:
            raise ConfigError(f"{path}: {size:,} bytes; a rules file may hold at most {MAX_RULES_FILE_BYTES:,} "
                              "(is this the right file?)")
        with open(path, encoding="utf-8") as fh:
            data = _load(fh.read(MAX_RULES_FILE_BYTES + 1), Path(path)) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a rules file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data
