"""CareCycle: customer care and loyalty lifecycle platform."""

__version__ = "0.1.0"
