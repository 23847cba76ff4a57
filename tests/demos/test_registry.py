"""The registry checks demo parameters before anything heavy loads: bounds, combinations, and the memory a run
needs; its errors name fields, which the command line spells as options."""

import pytest

from tutor.demos.registry import (
    DEMO_MEMORY_CAP,
    allreduce_memory,
    check_memory,
    get_demo,
    matmul_memory,
    memory_allowance,
)
from tutor.errors import DemoParameterError

GB = 1e9


def test_a_bound_names_the_field_and_the_command_line_spells_the_option():
    with pytest.raises(DemoParameterError) as raised:
        get_demo("allreduce").resolve({"world_size": "1"})
    assert str(raised.value) == "world_size must be at least 2, not 1"
    assert raised.value.parameters == ("world_size",)
    assert raised.value.spelt(lambda name: "--" + name.replace("_", "-")) == "--world-size must be at least 2, not 1"


def test_an_error_about_no_field_reads_the_same_either_way():
    with pytest.raises(DemoParameterError) as raised:
        get_demo("nonesuch")
    assert raised.value.parameters == ()
    assert raised.value.spelt(str.upper) == str(raised.value)


def test_allreduce_memory_is_p_processes_with_torch_and_five_vectors():
    # 16 ranks × (250 MB + 5 × 64 MiB of float32): the 8.7 GB run of the stress round, estimated at 9.4 GB.
    values = {"world_size": 16, "elements": 16 * 2**20, "bench": False}
    assert allreduce_memory(values) == pytest.approx(16 * (250e6 + 5 * 4 * 16 * 2**20))
    # With bench each rank also holds the 64 MB message, however short its own vector.
    assert allreduce_memory({"world_size": 4, "elements": 10, "bench": True}) == pytest.approx(4 * (250e6 + 20 * 2**24))


def test_matmul_memory_is_torch_and_four_float32_matrices_of_the_largest_size():
    assert matmul_memory({"max_n": 32768}) == pytest.approx(250e6 + 4 * 4 * 32768**2)


@pytest.mark.parametrize(
    ("available", "allowed"),
    [(64 * GB, DEMO_MEMORY_CAP), (4 * GB, 2 * GB), (None, DEMO_MEMORY_CAP)],
)
def test_a_demo_may_take_half_of_what_is_available_and_never_more_than_the_cap(available, allowed):
    assert memory_allowance(available) == allowed


def test_a_run_that_fits_passes_and_one_that_does_not_is_refused_with_both_figures():
    bench = {"world_size": 4, "elements": 10, "bench": True}  # 2.3 GB
    check_memory(allreduce_memory(bench), ("world_size", "elements"), "detail", available=8 * GB)
    with pytest.raises(DemoParameterError) as raised:
        check_memory(allreduce_memory(bench), ("world_size", "elements"), "detail", available=4 * GB)
    assert str(raised.value) == (
        "world_size and elements would take about 2.3 GB of memory (detail); a demo may take 2.0 GB here "
        "(half of the 4.0 GB available, at most 8 GiB): choose smaller values"
    )
    assert raised.value.parameters == ("world_size", "elements")


def test_the_defaults_of_every_demo_fit_a_machine_with_4_gb_available():
    check_memory(allreduce_memory(get_demo("allreduce").resolve({})), ("world_size",), "", available=4 * GB)
    check_memory(matmul_memory(get_demo("matmul").resolve({})), ("max_n",), "", available=4 * GB)


def test_the_runs_the_stress_round_found_are_refused_on_any_machine():
    # Over the 8 GiB cap, so refused however much memory the machine has.
    for name, params in [("allreduce", {"world_size": 16, "elements": 16777216}), ("matmul", {"max_n": 32768})]:
        with pytest.raises(DemoParameterError, match="would take about"):
            get_demo(name).resolve(params)
