"""Run small tensor work on one thread.

The descent and LSTM demos do thousands of tiny operations in sequence. torch splits even these across its
intra-op threads, and on a busy machine every split waits for a descheduled thread: one thread is faster
and steadier there, and no slower on an idle one.
"""

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def one_thread() -> Iterator[None]:
    """Set torch to one intra-op thread for the block, then restore the previous count.

    The setting is process-wide: a matmul timed in another thread meanwhile would see it too.
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
