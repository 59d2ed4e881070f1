"""Statistics shared by the benchmark scripts (imported with PYTHONPATH=bench)."""
import statistics


def spread(v):
    """Half the interquartile range, in % of the median."""
    if len(v) < 2:
        return 0.0
    q1, _, q3 = statistics.quantiles(v, n=4, method="inclusive")
    return (q3 - q1) / 2 / statistics.median(v) * 100
