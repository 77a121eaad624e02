"""A reference server of the Series Platform API, for tests and local trials.

Not part of the installed package. Standard library only.
"""

from tools.series_server.faults import Fault
from tools.series_server.server import SeriesServer

__all__ = ["Fault", "SeriesServer"]
