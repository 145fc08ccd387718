"""weakties — a self-hostable professional network that knows the value of your ties."""

__version__ = "0.1.0"
