"""``make bench``: the tenancy's costs as ratios, measured in one run (see docs/performance.md)."""
