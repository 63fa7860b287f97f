"""The YAML half of :mod:`her2guide._input`: safe YAML without aliases, duplicate keys,
deep nesting or huge integers.

Imported lazily by :func:`her2guide._input.parse_text`, so code that only reads JSON (the
site's in-browser navigator, which runs without PyYAML) never imports :mod:`yaml`.
"""

from __future__ import annotations

from typing import Any

import yaml

from ._limits import _MAX_INT_DIGITS, InputError, limit

__all__ = ["parse_yaml"]

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML: duplicate keys are refused (the C parser is used when available)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                raise InputError(f"line {key_node.start_mark.line + 1}: a mapping key must be text")
            if key in seen:
                raise InputError(
                    f"line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                    "(a second value would silently replace the first)"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if len(str(node.value).lstrip("+-").replace("_", "")) > _MAX_INT_DIGITS:
            raise InputError(
                f"line {node.start_mark.line + 1}: a number with more than {_MAX_INT_DIGITS} digits"
            )
        return super().construct_yaml_int(node)  # type: ignore[no-any-return]


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


def _line(ev: yaml.Event) -> int:
    mark = ev.start_mark
    return mark.line + 1 if mark is not None else 0


def _check_yaml_events(text: str) -> None:
    """Refuse anchors, aliases and deep nesting before anything is built."""
    depth = values = 0
    max_depth, max_values = limit("max-depth"), limit("max-values")
    for ev in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(ev, yaml.ScalarEvent):
            values += 1
            if values > max_values:
                raise InputError(f"line {_line(ev)}: more than {max_values:,} values")
        if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
            raise InputError(
                f"line {_line(ev)}: YAML anchors and aliases (& and *) are not allowed"
            )
        if isinstance(ev, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > max_depth:
                raise InputError(f"line {_line(ev)}: nested more than {max_depth} levels deep")
        elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def parse_yaml(text: str) -> Any:
    """Parse YAML text safely; raise :class:`InputError` with a readable reason."""
    try:
        _check_yaml_events(text)
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise InputError(f"is not valid YAML: {what}{where}") from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"is not valid YAML: {str(exc).splitlines()[0] if str(exc) else 'error'}"
        ) from None
    except RecursionError:
        raise InputError("nested too deeply") from None
    except ValueError as exc:  # e.g. an out-of-range date such as 2026-13-45
        if isinstance(exc, InputError):
            raise
        raise InputError(f"has a value YAML cannot read: {str(exc)[:120]}") from None
