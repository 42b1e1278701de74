"""Extractors, one per event type, registered by name (``meeting.v1`` …) under one contract."""
from __future__ import annotations

from .base import Extractor, get_extractors, register, registry
from .deployment import DeploymentExtractor
from .meeting import MeetingExtractor
from .statement import StatementExtractor
from .treaty import TreatyExtractor

__all__ = ["Extractor", "register", "registry", "get_extractors", "MeetingExtractor", "StatementExtractor",
           "DeploymentExtractor", "TreatyExtractor"]
