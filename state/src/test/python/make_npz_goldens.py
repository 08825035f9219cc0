"""Regenerates src/test/resources/npz/numpyN/: every NPZ variant that numpy N and the Python MLSDM
system write, of python-written/state.json and python-written/manager-legacy.json. Run with each
numpy major version (the goldens hold numpy 1.24 and 2.4):
python3 src/test/python/make_npz_goldens.py"""
import os

import numpy as np

import npz_variants

RESOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources")
out = os.path.join(RESOURCES, "npz", "numpy" + np.__version__.split(".")[0])
os.makedirs(out, exist_ok=True)
npz_variants.write_state_variants(
    npz_variants.load(os.path.join(RESOURCES, "python-written", "state.json")), out)
npz_variants.write_manager_variants(
    npz_variants.load(os.path.join(RESOURCES, "python-written", "manager-legacy.json")), out)
