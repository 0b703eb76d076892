# The float32/float64 fused type of the Cython kernels and raw data pointers of
# C-contiguous memoryviews (a loop over a pointer taken before the loop
# vectorizes; through a memoryview the compiler reloads the data pointer after
# every store, since it might alias).
cimport cython


ctypedef fused real:
    float
    double


cdef inline real* ptr(real[::1] a) noexcept nogil:
    """Data pointer of a C-contiguous memoryview (NULL when empty)."""
    with cython.boundscheck(False), cython.wraparound(False):
        return &a[0] if a.shape[0] else NULL


cdef inline const real* cptr(const real[::1] a) noexcept nogil:
    """Data pointer of a read-only C-contiguous memoryview (NULL when empty)."""
    with cython.boundscheck(False), cython.wraparound(False):
        return &a[0] if a.shape[0] else NULL
