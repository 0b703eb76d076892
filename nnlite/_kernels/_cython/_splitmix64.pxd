# SplitMix64, the counter-based hash of the dropout masks and RReLU's slopes
# (the specification: ``splitmix64_int`` in reference/dropout.py).  All
# arithmetic is uint64, mod 2⁶⁴.
from libc.stdint cimport uint64_t


cdef inline uint64_t splitmix64(uint64_t x) noexcept nogil:
    """The 64 hashed bits of x (Steele, Lea & Flood 2014)."""
    cdef uint64_t z = x + 0x9E3779B97F4A7C15ULL
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
    return z ^ (z >> 31)
