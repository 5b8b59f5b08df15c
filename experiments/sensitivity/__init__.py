"""Global sensitivity of a random model: Sobol indices and Morris screening whose
design points meet the same random futures, and the share of variance that chance
leaves to no parameter (docs/sensitivity.md).

The functions are pure and work on arrays: a design function gives the points, the
caller runs the model at every point with the same R replications (replication r is
deal r, the same random future, at every point) and hands back the outcomes as an
array of points x replications; the analysis returns indices with intervals.
"""
