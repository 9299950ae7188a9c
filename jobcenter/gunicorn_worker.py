"""gunicorn's sync worker, with the worker's request loop run inside one large frame.

CPython 3.11 keeps Python frames on a per-thread data stack made of 16 KiB chunks. A call that does
not fit in the current chunk maps a new one, and the return that empties it unmaps it again
(``_PyThreadState_PopFrame``), so a request whose call stack keeps crossing a chunk's edge (nested
template includes, a template tag per table cell) maps, faults in and unmaps memory thousands of
times. Under gunicorn the worklist took about 1,600 minor page faults per request and a citizen page
170 (bench/load: `profile_mix`, `meter.py`); how deep gunicorn's own frames are decides where the
edges fall, so the same page in a test client or another server shows other figures.

``run()`` here first enters a function whose frame has room for ``LOCALS`` variables (never
assigned): making room for it allocates a chunk large enough for that frame and, as chunks grow in
powers of two, about as much again, which stays mapped for the worker's life. Every request's frames
then fit in that chunk. Measured with one worker on the demo data: worklist 31.5-35.5 -> 20.7-23 ms
CPU, 1,575 -> 20 page faults per request; citizen page 11-13 -> 10-11.5 ms, 170 -> 0.

    gunicorn jobcenter.wsgi:application --worker-class jobcenter.gunicorn_worker.SyncWorker

Imports only gunicorn (the worker class is loaded before the application).
"""

from gunicorn.workers.sync import SyncWorker as _SyncWorker

# 8,200 slots of 8 bytes: a 64 KiB frame in a 128 KiB chunk, which leaves about 60 KiB for the
# request's frames (the deepest page here needs well under half of that).
LOCALS = 8200

_names = ", ".join(f"_v{i}" for i in range(LOCALS))
_source = f"""
def run_in_large_frame(run):
    if run is None:  # never true: the names only make the frame large
        {_names} = (None,) * {LOCALS}
    return run()
"""
_namespace: dict = {}
exec(compile(_source, __name__, "exec"), _namespace)  # noqa: S102 - fixed source, built above
run_in_large_frame = _namespace["run_in_large_frame"]
run_in_large_frame.__doc__ = "Call ``run()`` from a frame with room for LOCALS local variables."


class SyncWorker(_SyncWorker):
    """gunicorn's sync worker, its request loop inside a large frame (see the module)."""

    def run(self):
        return run_in_large_frame(super().run)
