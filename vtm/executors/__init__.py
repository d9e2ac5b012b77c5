"""Where decoding runs: the seam between the workers and the job kinds' runners.

    base.py      the `Executor` protocol every executor follows, its errors, `guarded`
    inline.py    calls in the calling thread (tests, the CLI, VTM_ISOLATION=thread)
    process.py   a pool of child processes, one call at a time each (the default)
    child.py     the child side of process.py (`python -m vtm.executors.child`)
    spawner.py   starts children from one long-lived thread (also used by vtm.cluster)

A new executor (vtm.cluster's Ray executor is one) is one module whose class has
`call(fn, *args, timeout=, progress=, cancelled=)` and `close()` and raises the errors
of base.py; `vtm.assembly` picks it from the settings.
"""
