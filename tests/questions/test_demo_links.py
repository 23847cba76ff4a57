"""Cards that discuss a demo's idea link to it, with parameters the demo accepts."""

import pytest

from tutor.demos.registry import all_demos, get_demo
from tutor.questions.library import load_library

CARDS = load_library().cards


@pytest.mark.parametrize("card", [card for card in CARDS if card.demos], ids=lambda card: card.id)
def test_every_link_names_a_demo_and_parameters_it_accepts(card):
    for link in card.demos:
        # resolve raises on an unknown demo or parameter; what it returns keeps the card's own values.
        resolved = get_demo(link.name).resolve(link.params)
        assert {name: resolved[name] for name in link.params} == dict(link.params)


@pytest.mark.parametrize("demo", [demo.name for demo in all_demos()])
def test_every_demo_is_linked_from_several_cards(demo):
    linked = [card.id for card in CARDS if any(link.name == demo for link in card.demos)]
    assert len(linked) >= 5, linked


@pytest.mark.parametrize(
    ("card_id", "demo"),
    [
        ("c002-1", "descent"),  # SGD's zigzag is what the descent demo draws
        ("c001-2.4", "activations"),  # five activation functions on one set of axes
        ("c003-ring-allreduce", "allreduce"),
        ("c003-lstm", "lstm"),
        ("c002-9", "matmul"),  # why GPUs: the matmul timing
        ("c001-2.3", "descent"),  # the weight update w ← w − η∇L is what each optimizer's first step does
        ("c003-neuron", "activations"),  # the activation f of a neuron, ReLU's kink at 0 included
        ("c003-alexnet", "activations"),  # why ReLU: the saturation of sigmoid and tanh
        ("c000-hw-5.4", "allreduce"),  # the gradient synchronisation of multi-GPU training
        ("c001-5.8", "allreduce"),
        ("c003-tensor-parallel", "allreduce"),  # row parallelism ends in a sum over the GPUs: an all-reduce
        ("c003-quantization", "matmul"),  # number formats
        ("c004-q49", "matmul"),  # BF16 and FP16
    ],
)
def test_the_cards_about_a_demo_link_it(card_id, demo):
    assert demo in {link.name for link in load_library().card(card_id).demos}
