"""Usage: npz_write_variants.py STATE_JSON MANAGER_JSON OUTDIR. Writes every NPZ variant of both
states into OUTDIR and prints the file names, one a line."""
import sys

import npz_variants

names = npz_variants.write_state_variants(npz_variants.load(sys.argv[1]), sys.argv[3])
names += npz_variants.write_manager_variants(npz_variants.load(sys.argv[2]), sys.argv[3])
print("\n".join(names))
