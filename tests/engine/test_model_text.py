"""Model text: what the model mode accepts and how it refuses the rest (with the column)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.engine import ExpressionError
from gradient_studio.engine.models import Model


def test_the_axes_are_the_first_two_weights_and_the_rest_are_sliders():
    model = Model.parse("w^L*x + b", axes=("w", "b"))
    assert model.weights == ("w", "L", "b")
    assert model.axes == ("w", "b") and model.parameters == ("L",)
    assert Model.parse("w2*tanh(w1*x)").axes == ("w2", "w1")  # in order of appearance
    assert Model.parse("w*x + b + c").parameters == ("c",)


def test_sigmoid_on_top_is_logistic_regression():
    model = Model.parse("sigmoid(w*x + b)", "logistic")
    assert model.probability
    assert str(model.output) == "b + w*x"
    assert not Model.parse("sigmoid(w*x + b)", "mse").probability
    assert not Model.parse("2*sigmoid(w*x) + b", "logistic").probability


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("w*x + y", 7, "label the model predicts"),
        ("w + b", 1, "must use the data column x"),
        ("w*x", 1, "two weights"),
        ("3*x", 1, "two weights"),
        ("w*x + b +", 9, ""),
        ("w*x × b", 5, "*"),
    ],
)
def test_text_that_is_no_model_is_refused_at_its_column(text, column, words):
    with pytest.raises(ExpressionError) as error:
        Model.parse(text)
    assert error.value.column == column
    assert words in error.value.message


@pytest.mark.parametrize(
    ("axes", "words"),
    [(("w", "q"), "no weight 'q'"), (("w", "w"), "different"), (("x", "b"), "no weight 'x'")],
)
def test_axes_must_be_two_of_the_models_weights(axes, words):
    with pytest.raises(ValueError, match=words):
        Model.parse("w*x + b", axes=axes)


def test_an_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        Model.parse("w*x + b", "hinge")


@given(st.text(max_size=30))
def test_any_text_is_a_model_or_one_clear_error(text):
    try:
        model = Model.parse(text)
    except ExpressionError as e:
        assert e.message and 1 <= e.column <= max(1, len(text) + 1)
    else:
        assert len(model.axes) == 2 and set(model.axes) <= set(model.weights)
