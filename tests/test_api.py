"""The public API as a contract (in the style of httpx's API test): every public name is
exported, documented and typed, and the rule set cannot be changed at run time."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

import her2guide
import her2guide.notebook

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [n for n in her2guide.__all__ if n != "__version__"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_is_exported_and_documented(name: str) -> None:
    """Each name in __all__ exists and carries a docstring of its own (not an inherited one)."""
    obj = getattr(her2guide, name)
    if isinstance(obj, str | tuple):  # INTENDED_USE, RULES: values, documented on the API page
        return
    doc = (obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__) or ""
    # a dataclass without a docstring gets its signature as __doc__: that is not documentation
    assert doc.strip(), f"{name} has no docstring"
    assert not doc.startswith(f"{obj.__name__}("), f"{name} has only its generated signature"


@pytest.mark.parametrize("name", [n for n in PUBLIC if inspect.isfunction(getattr(her2guide, n))])
def test_public_function_is_fully_typed(name: str) -> None:
    """Every parameter and the return value of a public function are annotated."""
    sig = inspect.signature(getattr(her2guide, name))
    missing = [p for p, v in sig.parameters.items() if v.annotation is inspect.Parameter.empty]
    assert missing == [], f"{name}: unannotated parameters {missing}"
    assert sig.return_annotation is not inspect.Signature.empty, f"{name}: no return annotation"


def test_package_is_marked_typed() -> None:
    """PEP 561: the py.typed marker ships with the package."""
    assert (Path(her2guide.__file__).parent / "py.typed").exists()


def test_rules_are_immutable() -> None:
    """RULES is a tuple of frozen rules: nothing can add, drop, reorder or edit a rule."""
    assert type(her2guide.RULES) is tuple
    rule = her2guide.RULES[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.id = "CHANGED"  # type: ignore[misc]
    with pytest.raises(TypeError):
        her2guide.RULES[0] = rule  # type: ignore[index]


def test_output_records_are_frozen() -> None:
    """A recommendation cannot be edited after the engine returns it."""
    rec = her2guide.recommend({"her2": "low", "setting": "metastatic"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.in_scope = True  # type: ignore[misc]


def test_api_page_documents_the_package_and_the_notebook_helper() -> None:
    """docs/api.md renders the package and her2guide.notebook through mkdocstrings."""
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "::: her2guide\n" in page
    assert "::: her2guide.notebook\n" in page
    assert her2guide.notebook.Notebook.__doc__
