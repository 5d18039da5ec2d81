"""Presentation: self-contained HTML reports (no CDN, works offline)."""
