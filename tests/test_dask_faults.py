"""The bootstrap on a Dask cluster when the cluster misbehaves: a worker
lost mid-run, a closed client, a cluster gone mid-run, no worker at all; and
every bootstrap of an analysis (drivers, segments, value) on the client.

The clusters are in-process (``processes=False``): a worker is lost the way
the scheduler loses one that dies (``Scheduler.remove_worker``).
"""

import functools
import threading

import numpy as np
import pandas as pd
import pytest

import emomotiv as em
from emomotiv import bootstrap

distributed = pytest.importorskip(
    "dask.distributed", reason="dask is not installed: pip install 'emomotiv[dask]'"
)

FAST = {"n_estimators": 30, "max_depth": 2, "random_state": 0}


@pytest.fixture(scope="module")
def data():
    s = em.make_survey(n_respondents=500, n_facets=8, random_state=3)
    return s.survey[s.catalog["facet"]], s.survey["connected"], s.survey["weight"]


def _boot(data, **options):
    X, y, w = data
    settings = {"n_boot": 4, "n_jobs": 1, "progress": False, "random_state": 7}
    model = em.DriverModel(**FAST)
    return em.bootstrap_importance(model, X, y, sample_weight=w, **settings | options)


def _cluster(n_workers=2, **options):
    return distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",  # None is taken as 8787 with no worker
        **options,
    )


@pytest.fixture(scope="module")
def cluster():
    with _cluster() as cluster:
        yield cluster


class _Hold:
    """The first refit's worker, and the events that hold it: module state,
    as the task graph is pickled even for an in-process cluster."""

    worker = None
    started = threading.Event()
    go = threading.Event()
    original = {}


def _held(name, *args):
    if not _Hold.started.is_set():
        _Hold.worker = distributed.get_worker().address
        _Hold.started.set()
        _Hold.go.wait(10)
    return _Hold.original[name](*args)


def _held_first_task(monkeypatch, boot_size):
    """The refit function patched so that its first call says on which worker
    it runs and waits (10 s at most) for ``go``; later calls run at once."""
    name = "_fit_chunk" if boot_size is None else "_fit_drawn"
    _Hold.original[name] = getattr(bootstrap, name)
    _Hold.worker = None
    _Hold.started.clear()
    _Hold.go.clear()
    monkeypatch.setattr(bootstrap, name, functools.partial(_held, name))
    return _Hold, _Hold.started, _Hold.go


def _meanwhile(started, go, action):
    """``action()`` once the first task has started, then let it go on."""

    def run():
        try:
            if started.wait(30):
                action()
        finally:
            go.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("boot_size", [None, 300])
def test_a_task_lost_with_its_worker_runs_again(data, monkeypatch, boot_size):
    """A worker lost while it refits (killed, pre-empted) costs a rerun of its
    tasks on the other worker, not the analysis: a task carries its seeds, no
    data scattered to that worker alone. The result is the local run's."""
    local = _boot(data, boot_size=boot_size)
    hold, started, go = _held_first_task(monkeypatch, boot_size)

    async def remove(address, dask_scheduler):
        await dask_scheduler.remove_worker(address, stimulus_id="test-lost-worker")

    with _cluster() as cluster, distributed.Client(cluster) as client:
        thread = _meanwhile(
            started, go, lambda: client.run_on_scheduler(remove, hold.worker)
        )
        remote = _boot(data, boot_size=boot_size, client=client)
        thread.join()
        assert hold.worker not in client.nthreads()  # it was lost
    pd.testing.assert_frame_equal(local.table, remote.table)
    pd.testing.assert_frame_equal(local.replicates, remote.replicates)


class _Recording:
    """The part of dask.distributed.Client the bootstrap uses, run in place,
    recording what is scattered and what each task carries."""

    status = "running"

    def __init__(self):
        self.scattered, self.tasks, self.replicates = [], [], 0

    def nthreads(self):
        return {"a": 1, "b": 1}

    def scatter(self, data, broadcast=False):
        self.scattered.append((len(data), broadcast))
        return list(data)

    def submit(self, function, *args, pure=True):
        self.tasks.append(args[7:])  # past the 7 shared arguments
        part = function(*args)
        self.replicates += len(part)
        return _Done(part)


class _Done:
    status = "finished"

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


@pytest.mark.parametrize("boot_size", [None, 300])
def test_a_task_carries_seeds_and_only_the_survey_is_scattered(data, boot_size):
    """One broadcast of the shared data; a task's own arguments are seeds (and
    the m-out-of-n size), small enough for the graph, never rows."""
    client = _Recording()
    _boot(data, boot_size=boot_size, client=client)
    assert client.scattered == [(7, True)]
    assert client.replicates == 4
    for task in client.tasks:
        values = task[0] if boot_size is None else task
        seeds = [v for v in values if isinstance(v, np.random.SeedSequence)]
        assert seeds and len(seeds) + (boot_size is not None) == len(values)


def test_a_closed_client_is_refused_before_any_fit_with_the_way_out(data, cluster):
    client = distributed.Client(cluster)
    client.close()
    with pytest.raises(ValueError, match=r"not connected \(status 'closed'\)") as err:
        em.bootstrap_importance(
            em.DriverModel(**FAST), *data[:2], n_boot=2, progress=False, client=client
        )
    assert "Client(address)" in str(err.value) and "client=None" in str(err.value)
    problems = em.Study(connection="c", client=client).problems()
    assert any("status 'closed'" in p for p in problems)


def test_a_cluster_gone_mid_run_is_said_plainly(data, cluster, monkeypatch):
    _, started, go = _held_first_task(monkeypatch, None)
    client = distributed.Client(cluster)
    thread = _meanwhile(started, go, client.close)
    with pytest.raises(RuntimeError, match="cluster went away while the boot") as err:
        _boot(data, client=client)
    thread.join()
    assert "same random_state gives the same result" in str(err.value)
    assert err.value.__cause__ is not None  # Dask's own error, chained


def test_a_task_s_own_error_is_raised_as_it_is(data, cluster, monkeypatch):
    def fails(*args):
        raise ArithmeticError("a refit failed")

    monkeypatch.setattr(bootstrap, "_fit_chunk", fails)
    with (
        distributed.Client(cluster) as client,
        pytest.raises(ArithmeticError, match="a refit failed"),
    ):
        _boot(data, client=client)


def test_a_cluster_scaled_down_to_no_worker_starts_one(data):
    """An adaptive cluster at zero workers (as shared platforms run them) is
    asked for a worker, then runs the bootstrap: the local run's result."""
    local = _boot(data)
    with _cluster(n_workers=0) as cluster, distributed.Client(cluster) as client:
        cluster.adapt(minimum=0, maximum=1, interval="50ms")
        remote = _boot(data, client=client)
    pd.testing.assert_frame_equal(local.table, remote.table)


def test_a_cluster_that_never_gets_a_worker_says_how_to_start_one(data, monkeypatch):
    monkeypatch.setattr(bootstrap, "WORKER_WAIT", 0.5)
    with (
        _cluster(n_workers=0) as cluster,
        distributed.Client(cluster) as client,
        pytest.raises(TimeoutError, match="no worker") as err,
    ):
        _boot(data, client=client)
    assert "wait_for_workers" in str(err.value) and "adapt(minimum=1" in str(err.value)


@pytest.mark.filterwarnings("ignore:The ranking of 1 of 2 ranked segments")
def test_every_bootstrap_of_an_analysis_runs_on_the_client(small):
    """The segments' and the value model's replicates go to the client as
    the drivers' do, with the local run's tables."""
    options = dict(
        n_boot=3,
        n_jobs=1,
        methods=False,
        progress=False,
        random_state=0,
        min_segment_size=150,
        model=em.DriverModel(n_estimators=20, max_depth=2, cv=0),
        **small.roles,
    )
    local = em.analyze(small.survey, small.catalog, **options)
    client = _Recording()
    remote = em.analyze(small.survey, small.catalog, client=client, **options)
    ranked = remote.summary["segments"]["n_ranked"]
    assert ranked == 2
    assert client.replicates == 3 * (1 + ranked + 1)  # drivers, segments, value
    for name in ("drivers", "segment_drivers", "value_drivers"):
        pd.testing.assert_frame_equal(local.tables[name], remote.tables[name])


def test_segment_and_value_drivers_refuse_what_is_not_a_client(small):
    X = small.survey[small.catalog["facet"]]
    with pytest.raises(ValueError, match="'client' parameter of segment_drivers"):
        em.segment_drivers(
            em.DriverModel(**FAST), X, small.survey["connected"],
            small.survey["customer_type"], client="tcp://scheduler:8786",
        )  # fmt: skip
    with pytest.raises(ValueError, match="'client' parameter of value_drivers"):
        em.value_drivers(X, small.survey["value"], client="tcp://scheduler:8786")


@pytest.mark.parametrize("key", ["client", "model"])
def test_an_object_in_a_study_file_says_only_python_passes_it(tmp_path, key):
    from emomotiv.study import read_study_file

    path = tmp_path / "study.toml"
    path.write_text(f'[roles]\nconnection = "c"\n[options]\n{key} = "tcp://s:8786"\n')
    _, problems, _ = read_study_file(path)
    [problem] = problems
    assert f"'{key}' is an object, not a setting" in problem
    assert f"pass {key}=" in problem and "emomotiv.analyze in Python" in problem
    if key == "client":
        assert "command line runs the bootstrap on local threads" in problem
