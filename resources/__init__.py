"""Data files shipped with Series Studio (installed as the ``studio.resources`` package)."""
