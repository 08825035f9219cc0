"""Prints, in hex, every BMP character that Python's str.isspace accepts (what str.strip removes)."""
print(" ".join("%x" % c for c in range(0x10000) if chr(c).isspace()))
