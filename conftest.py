"""Settings for every test and doctest (tests/ and the modules' examples).

Figures are drawn off screen, so that the examples show what a user types,
without the backend a test run needs. Set through the environment, before
any test imports matplotlib (nothing is imported here: tests/conftest.py
sets the threads before numpy and XGBoost load).
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
