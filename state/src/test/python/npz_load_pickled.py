"""Usage: npz_load_pickled.py FILE. Loads the 'state' entry as the Python system does, pickles
allowed (used to prove that a hostile test file really is hostile)."""
import sys

import numpy as np

with np.load(sys.argv[1], allow_pickle=True) as npz:
    npz["state"]
