"""The closed vocabularies and ranges of the scenario fields, written once: the field table
(:mod:`.fields`), the strict core (:mod:`.model`) and the CLI read them from here."""

from __future__ import annotations

from typing import Final

__all__ = [
    "BRAIN_VALUES",
    "CRCL_RANGE",
    "ECOG_VALUES",
    "HEIGHT_RANGE",
    "HEPATIC_VALUES",
    "HER2_VALUES",
    "HR_VALUES",
    "ILD_VALUES",
    "LVEF_RANGE",
    "MAX_MEDICATIONS",
    "MAX_MEDICATION_CHARS",
    "SETTING_VALUES",
    "STOPPED_VALUES",
    "WEIGHT_RANGE",
]

HER2_VALUES: Final = ("positive", "low", "ultralow", "negative", "unknown")
SETTING_VALUES: Final = ("metastatic", "early")
HR_VALUES: Final = ("positive", "negative", "unknown")
BRAIN_VALUES: Final = ("none", "stable", "active", "symptomatic", "unknown")
ILD_VALUES: Final = ("none", "preexisting", "drug_grade1", "drug_grade2_plus")
STOPPED_VALUES: Final = ("progression", "toxicity", "ongoing", "completed")
LVEF_RANGE: Final = (5.0, 90.0)
WEIGHT_RANGE: Final = (25.0, 300.0)
HEIGHT_RANGE: Final = (100.0, 230.0)
ECOG_VALUES: Final = (0, 1, 2, 3, 4)
#: Child-Pugh class for hepatic impairment ("none" = no hepatic impairment)
HEPATIC_VALUES: Final = ("none", "A", "B", "C", "unknown")
CRCL_RANGE: Final = (0.0, 250.0)
#: at most this many concomitant medicines, each up to this many characters
MAX_MEDICATIONS: Final = 50
MAX_MEDICATION_CHARS: Final = 200
