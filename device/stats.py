"""Percentiles of timings, one way for every report (bench, eval, eval-tools, accuracy)."""
from __future__ import annotations

import numpy as np


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 (rounded to 0.1) and the count; empty for no values."""
    if not values:
        return {}
    return {"p50": round(float(np.percentile(values, 50)), 1), "p95": round(float(np.percentile(values, 95)), 1),
            "n": len(values)}
