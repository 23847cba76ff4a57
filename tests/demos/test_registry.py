"""The registry collects the demos their folders declare; parameters are checked before anything heavy loads:
bounds, combinations, and the memory a run needs; errors name fields, which the command line spells as options.
Each declaration matches its compute function's signature, so the two cannot drift apart."""

import inspect
import typing
from pathlib import Path

import pytest

import tutor.demos
from tutor.demos.allreduce import allreduce_memory
from tutor.demos.declaration import Demo, Parameter
from tutor.demos.matmul import matmul_memory
from tutor.demos.memory import DEMO_MEMORY_CAP, check_memory, memory_allowance
from tutor.demos.registry import NAMES, all_demos, get_demo
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


def signature_mismatches(demo: Demo, compute: typing.Callable) -> list[str]:
    """What differs between ``demo``'s parameters and ``compute``'s keyword-only arguments: names, kinds and
    defaults (a compute without a default takes the declaration's); extra arguments must have defaults."""
    signature = inspect.signature(compute)
    hints = typing.get_type_hints(compute)
    problems = []
    for parameter in demo.parameters:
        argument = signature.parameters.get(parameter.name)
        if argument is None or argument.kind is not inspect.Parameter.KEYWORD_ONLY:
            problems.append(f"{parameter.name}: not a keyword-only argument of compute")
            continue
        if hints.get(parameter.name) is not parameter.kind:
            problems.append(f"{parameter.name}: declared {parameter.kind.__name__}, compute takes {hints.get(parameter.name)}")
        if argument.default is not inspect.Parameter.empty and argument.default != parameter.default:
            problems.append(f"{parameter.name}: default {parameter.default!r} declared, {argument.default!r} in compute")
    declared = {parameter.name for parameter in demo.parameters}
    for name, argument in signature.parameters.items():
        if name not in declared and argument.default is inspect.Parameter.empty:
            problems.append(f"{name}: compute needs it and the declaration has no such parameter")
    return problems


@pytest.mark.parametrize("demo", all_demos(), ids=lambda demo: demo.name)
def test_each_declaration_matches_its_compute_signature(demo):
    assert signature_mismatches(demo, demo.module("compute").compute) == []


def test_a_declaration_that_drifted_from_its_compute_is_caught():
    def compute(*, kappa: float, steps: int = 10, extra: int) -> None:
        del kappa, steps, extra

    drifted = Demo(
        name="drift",
        title="漂移",
        summary="",
        parameters=(Parameter("kappa", int, 1, ""), Parameter("steps", int, 20, ""), Parameter("gone", int, 0, "")),
    )
    assert signature_mismatches(drifted, compute) == [
        "kappa: declared int, compute takes <class 'float'>",
        "steps: default 20 declared, 10 in compute",
        "gone: not a keyword-only argument of compute",
        "extra: compute needs it and the declaration has no such parameter",
    ]


def test_every_demo_folder_is_registered_under_its_own_name():
    folders = sorted(path.parent.name for path in Path(tutor.demos.__file__).parent.glob("*/compute.py"))
    assert sorted(NAMES) == folders
    assert [demo.name for demo in all_demos()] == list(NAMES)


def test_every_demo_and_parameter_has_a_chinese_name_for_the_app():
    for demo in all_demos():
        assert demo.title and demo.display_name == f"{demo.title} {demo.name}"
        for parameter in demo.parameters:
            assert parameter.label, f"{demo.name}.{parameter.name} has no label"
            assert parameter.display_name == f"{parameter.label} {parameter.name}"


def test_an_unknown_demo_names_the_known_ones():
    with pytest.raises(DemoParameterError, match="unknown demo 'nonesuch' \\(demos: descent, activations, allreduce, lstm, matmul\\)"):
        get_demo("nonesuch")
