"""One module per measured section; each has `run(report, contenders, sizes)`."""
