"""Dose calculation: mg/kg by weight, mg/m² by Mosteller body-surface area."""

from __future__ import annotations

import math
from typing import Final

from ._catalogue import Catalogue, Component, Regimen, load_catalogue
from ._recommendation import ComponentDose, DoseAmount, RegimenDoses

__all__ = ["REFERENCES", "ROUNDING", "bsa_mosteller", "dose_regimen"]

#: References behind the dose arithmetic itself (the BSA formula).
REFERENCES: Final = ("mosteller-1987",)

ROUNDING: Final = (
    "BSA by Mosteller, sqrt(height cm × weight kg / 3600), to 2 decimals, not capped. "
    "Amounts to the nearest whole mg (to 0.1 mg below 10 mg). Flat doses are not scaled. "
    "Dose banding, vial sharing and tablet-strength rounding follow local policy."
)


def bsa_mosteller(weight_kg: float, height_cm: float) -> float:
    """Body-surface area in m² by Mosteller (N Engl J Med 1987;317:1098), to 2 decimals.

    Examples:
        >>> bsa_mosteller(60, 165)
        1.66
    """
    if weight_kg <= 0 or height_cm <= 0:
        raise ValueError("weight_kg and height_cm must be positive")
    return round(math.sqrt(weight_kg * height_cm / 3600.0), 2)


def _round_mg(value: float) -> float:
    return round(value, 1) if value < 10 else float(round(value))


def _amount(
    label: str, per: float, unit: str, weight: float | None, bsa: float | None
) -> DoseAmount:
    if unit == "mg":
        return DoseAmount(label, per, unit, per, f"{per:g} mg flat dose")
    if unit == "mg/kg":
        if weight is None:
            return DoseAmount(label, per, unit, None, "needs weight_kg")
        return DoseAmount(
            label, per, unit, _round_mg(per * weight), f"{per:g} mg/kg × {weight:g} kg"
        )
    if bsa is None:
        return DoseAmount(label, per, unit, None, "needs weight_kg and height_cm")
    return DoseAmount(label, per, unit, _round_mg(per * bsa), f"{per:g} mg/m² × {bsa:.2f} m²")


def _component(c: Component, name: str, weight: float | None, bsa: float | None) -> ComponentDose:
    if c.dose is None:
        return ComponentDose(
            c.agent,
            c.route,
            c.schedule,
            None,
            None,
            (),
            c.reduction_note,
            c.choice,
            c.dose_note,
            name,
        )
    loading = (
        _amount("loading dose", c.loading_dose, c.unit, weight, bsa)
        if c.loading_dose is not None
        else None
    )
    maintenance = _amount("maintenance dose" if loading else "dose", c.dose, c.unit, weight, bsa)
    reductions = tuple(
        _amount(f"dose level -{i}", level, c.unit, weight, bsa)
        for i, level in enumerate(c.reductions, start=1)
    )
    return ComponentDose(
        c.agent,
        c.route,
        c.schedule,
        loading,
        maintenance,
        reductions,
        c.reduction_note,
        c.choice,
        "",
        name,
    )


def dose_regimen(
    regimen: Regimen | str,
    weight_kg: float | None,
    height_cm: float | None = None,
    catalogue: Catalogue | None = None,
) -> RegimenDoses:
    """Calculate every component's loading, maintenance and reduced doses.

    Missing weight or height does not raise: the affected amounts are ``None`` and
    ``missing`` says what is needed.

    Examples:
        >>> d = dose_regimen("trastuzumab-deruxtecan", weight_kg=62)
        >>> d.components[0].maintenance.amount_mg, [r.amount_mg for r in d.components[0].reductions]
        (335.0, [273.0, 198.0])
    """
    cat = catalogue or load_catalogue()  # the public edge: load here, pass down
    reg = cat.regimen(regimen) if isinstance(regimen, str) else regimen
    bsa = bsa_mosteller(weight_kg, height_cm) if weight_kg and height_cm else None
    missing: list[str] = []
    units = {c.unit for c in reg.components if c.dose is not None}
    if "mg/kg" in units and weight_kg is None:
        missing.append("weight_kg (for mg/kg doses)")
    if "mg/m2" in units and bsa is None:
        missing.append("weight_kg and height_cm (for mg/m² doses)")
    return RegimenDoses(
        regimen=reg.id,
        weight_kg=weight_kg,
        height_cm=height_cm,
        bsa_m2=bsa,
        components=tuple(
            _component(c, cat.agents[c.agent].name, weight_kg, bsa) for c in reg.components
        ),
        rounding=ROUNDING,
        missing=tuple(missing),
    )
