"""Statistics of saved tables: estimates with intervals, paired differences, text tables,
the run summary, a results folder read back, calibration."""
