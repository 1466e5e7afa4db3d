"""A Takeback hotline's hash list as a python-threatexchange exchange (`takeback`).

Enable it with `threatexchange config extensions add takeback_threatexchange`; in
Hasher-Matcher-Actioner, list `takeback_threatexchange.api.TakebackSignalExchangeAPI`
among the exchange types. See this package's README.
"""

from threatexchange.extensions.manifest import ThreatExchangeExtensionManifest

from .api import (
    TakebackCheckpoint,
    TakebackCollabConfig,
    TakebackSignalExchangeAPI,
    TakebackSignalMetadata,
)
from .chain import DivergedHistory, FeedError, TamperedPage

TX_MANIFEST = ThreatExchangeExtensionManifest(apis=(TakebackSignalExchangeAPI,))

__all__ = [
    "TX_MANIFEST",
    "TakebackCheckpoint",
    "TakebackCollabConfig",
    "TakebackSignalExchangeAPI",
    "TakebackSignalMetadata",
    "DivergedHistory",
    "FeedError",
    "TamperedPage",
]
