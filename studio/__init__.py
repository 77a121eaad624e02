"""Series Studio: assemble, check, render and publish premium video collections."""

__version__ = "0.1.0"
