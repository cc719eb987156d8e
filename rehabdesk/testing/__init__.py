"""Support for tests across apps: the shared personas. Never imported by product code."""
