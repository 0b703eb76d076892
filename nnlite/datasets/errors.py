"""The error raised when a data set can be neither found nor downloaded."""


class DatasetUnavailableError(OSError):
    """A data set is not on disk and could not be downloaded.

    It is an ``OSError`` so that code already catching I/O failures keeps working.
    The message is one line naming every folder searched and the download failure.
    """
