"""Health intake forms as patients filled them in."""
