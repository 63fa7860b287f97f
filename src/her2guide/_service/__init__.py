"""A CDS Hooks service: the ``patient-view`` hook answered with cards from the same engine.

The logic is plain functions (:func:`discovery`, :func:`handle`) that take and return JSON
values; :func:`create_app` wraps them in a FastAPI app that uvicorn serves. The service is
stateless: every answer depends on the request alone, so any number of workers can run
behind an ordinary load balancer.

Cards never carry ``suggestions``: this reference places no orders. Needs the ``interop``
extra (FastAPI is imported here, so ``import her2guide`` never imports this module).
"""

from .app import create_app
from .cards import CRITICAL_ALERTS, WARNING_ALERTS, card_indicator, cards_for
from .handlers import HOOK, SERVICE_ID, discovery, handle, prefetch_templates

__all__ = [
    "CRITICAL_ALERTS",
    "HOOK",
    "SERVICE_ID",
    "WARNING_ALERTS",
    "card_indicator",
    "cards_for",
    "create_app",
    "discovery",
    "handle",
    "prefetch_templates",
]
