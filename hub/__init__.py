"""The hub: a chat-centric collaboration server. See docs/ and README.md."""

__version__ = "0.1.0"
