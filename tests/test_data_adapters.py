"""fit / evaluate / predict on generators, Sequences and memory maps, as on arrays.

Each kind of data is compared with the same data in memory: same batches,
same weights bit for bit; a memory map is read one batch at a time.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnlite as keras
from nnlite.models.data_adapters.rows import file_location, is_array_like, read_rows

N, BATCH = 40, 8


@pytest.fixture(autouse=True)
def fresh():
    keras.backend.clear_session()


def data(n: int = N):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64"), rng.uniform(0.5, 2.0, n)


def new_model():
    keras.utils.set_random_seed(7)
    model = keras.models.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]),
                                     keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    return model


def seeded_fit(model, *args, **kwargs):
    """``model.fit`` from a fixed random state (the shuffles draw from ``np.random``)."""
    keras.utils.set_random_seed(1)
    return model.fit(*args, **kwargs)


def same_weights(a, b) -> bool:
    return all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))


def batches_forever(*arrays, batch: int = BATCH):
    while True:
        for start in range(0, len(arrays[0]), batch):
            yield tuple(a[start:start + batch] for a in arrays)


def batches_once(*arrays, batch: int = BATCH):
    for start in range(0, len(arrays[0]), batch):
        yield tuple(a[start:start + batch] for a in arrays)


class Batches(keras.utils.Sequence):
    """Batches of arrays by index; counts the epoch hooks and records the order read."""

    def __init__(self, *arrays, batch: int = BATCH, **kwargs):
        super().__init__(**kwargs)
        self.arrays, self.batch = arrays, batch
        self.read: list[int] = []
        self.epochs_begun = self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.arrays[0]) // self.batch)

    def __getitem__(self, index):
        self.read.append(index)
        rows = slice(index * self.batch, (index + 1) * self.batch)
        return tuple(a[rows] for a in self.arrays)

    def on_epoch_begin(self):
        self.epochs_begun += 1

    def on_epoch_end(self):
        self.epochs_ended += 1


class Recording:
    """An array-like over an array that records the most rows any request asked for.

    Like an h5py data set it refuses row numbers that do not increase, and
    has no ``__array__``: nothing can read it whole without asking for rows.
    """

    def __init__(self, array):
        self.array, self.shape, self.largest = array, array.shape, 0

    def __len__(self):
        return len(self.array)

    def __getitem__(self, index):
        rows = np.arange(len(self.array))[index]
        if rows.ndim == 1 and len(rows) > 1 and not np.all(np.diff(rows) > 0):
            raise TypeError("Indexing elements must be in increasing order")
        self.largest = max(self.largest, rows.size)
        return self.array[index]


def memmap(tmp_path, array):
    mm = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype=array.dtype,
                                   shape=array.shape)
    mm[:] = array
    mm.flush()
    return np.load(tmp_path / "x.npy", mmap_mode="r")


# ----------------------------------------------------------------- generators
def test_a_generator_trains_exactly_as_the_same_batches_of_an_array():
    x, y, _ = data()
    by_array, by_generator = new_model(), new_model()
    h1 = by_array.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    h2 = by_generator.fit(batches_forever(x, y), steps_per_epoch=N // BATCH, epochs=2,
                          verbose=0)
    assert same_weights(by_array, by_generator)
    assert h1.history["loss"] == h2.history["loss"]


def test_sample_weights_from_a_generator_weigh_as_the_sample_weight_argument():
    x, y, w = data()
    by_array, by_generator = new_model(), new_model()
    by_array.fit(x, y, sample_weight=w, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    by_generator.fit(batches_once(x, y, w), epochs=1, verbose=0)
    assert same_weights(by_array, by_generator)


class StepCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps, self.totals = 0, []

    def on_epoch_begin(self, epoch, logs=None):
        self.totals.append(self.params["steps"])

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1


def test_without_steps_per_epoch_an_epoch_runs_until_the_generator_ends():
    x, y, _ = data()
    counter = StepCounter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = new_model().fit(batches_once(x, y), epochs=3, verbose=0,
                                  callbacks=[counter])
    assert counter.steps == N // BATCH
    assert len(history.epoch) == 1  # epoch 2 found the generator used up: training stopped
    assert counter.totals[0] is None  # unknown, as Keras' "Unknown" bar
    assert any("ran out of data" in str(w.message) for w in caught)


def test_the_progress_bar_of_an_unsized_generator_shows_unknown(capsys):
    x, y, _ = data()
    new_model().fit(batches_once(x, y), epochs=1, verbose=2)
    new_model().fit(batches_once(x, y), epochs=1, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("5/Unknown - ") and lines[3].strip().startswith("5/Unknown - ")


def test_a_generator_that_runs_out_before_epochs_times_steps_stops_with_a_warning():
    x, y, _ = data(56)  # 7 batches: epochs of 3 take 3, 3, then 1
    counter = StepCounter()
    with pytest.warns(UserWarning, match="ran out of data; interrupting training"):
        history = new_model().fit(batches_once(x, y), steps_per_epoch=3, epochs=5,
                                  verbose=0, callbacks=[counter])
    assert counter.steps == 7
    assert len(history.epoch) == 3
    assert counter.totals == [3, 3, 3]


def test_a_validation_generator_gives_validation_steps_batches_each_epoch():
    x, y, _ = data()
    model = new_model()
    history = model.fit(x, y, epochs=1, verbose=0,
                        validation_data=batches_forever(x[:16], y[:16]), validation_steps=2)
    loss, accuracy = model.evaluate(x[:16], y[:16], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(loss)
    assert history.history["val_accuracy"][0] == pytest.approx(accuracy)


def test_evaluate_and_predict_on_a_generator_equal_those_on_arrays():
    x, y, _ = data()
    model = new_model()
    assert model.evaluate(batches_once(x, y), verbose=0) == \
        pytest.approx(model.evaluate(x, y, batch_size=BATCH, verbose=0))
    assert model.evaluate(batches_forever(x, y), steps=2, verbose=0) == \
        pytest.approx(model.evaluate(x[:16], y[:16], verbose=0))
    expected = model.predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(batches_once(x), verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(batches_once(x, y), verbose=0), expected,
                               rtol=1e-6)  # (x, y) batches: Keras predicts on x
    assert model.predict(batches_forever(x), steps=3, verbose=0).shape == (3 * BATCH, 2)


# ----------------------------------------------------------------- Sequences
def test_a_sequence_trains_as_arrays_and_hears_each_epoch_begin_and_end():
    x, y, _ = data()
    by_array, by_sequence = new_model(), new_model()
    sequence = Batches(x, y)
    by_array.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0)
    by_sequence.fit(sequence, epochs=3, shuffle=False, verbose=0)
    assert same_weights(by_array, by_sequence)
    assert sequence.epochs_begun == sequence.epochs_ended == 3
    assert sequence.read == list(range(5)) * 3


def test_shuffle_visits_a_sequences_batches_in_a_new_order_each_epoch():
    x, y, _ = data()
    sequence = Batches(x, y)
    counter = StepCounter()
    new_model().fit(sequence, epochs=4, verbose=0, callbacks=[counter])
    orders = [sequence.read[k:k + 5] for k in range(0, 20, 5)]
    assert all(sorted(order) == list(range(5)) for order in orders)
    assert len({tuple(order) for order in orders}) > 1
    assert counter.totals == [5] * 4


def test_steps_per_epoch_continues_a_pass_into_the_next_epoch_then_starts_again():
    x, y, _ = data()
    sequence = Batches(x, y)
    new_model().fit(sequence, steps_per_epoch=3, epochs=3, shuffle=False, verbose=0)
    assert sequence.read == [0, 1, 2, 3, 4, 0, 1, 2, 3]  # as tf.keras repeats the data
    by_array, by_generator = new_model(), new_model()
    by_array.fit(x, y, batch_size=BATCH, steps_per_epoch=3, epochs=3, shuffle=False, verbose=0)
    by_generator.fit(batches_forever(x, y), steps_per_epoch=3, epochs=3, verbose=0)
    assert same_weights(by_array, by_generator)


def test_a_model_with_two_inputs_reads_a_list_or_dict_of_memory_maps(tmp_path):
    x, y, _ = data()
    wide, deep = memmap(tmp_path, x), x[:, :2].copy()
    inputs = [keras.layers.Input(shape=[3], name="wide"), keras.layers.Input(shape=[2],
                                                                            name="deep")]
    keras.utils.set_random_seed(7)
    hidden = keras.layers.Dense(4, activation="relu")(inputs[1])
    output = keras.layers.Dense(1)(keras.layers.Concatenate()([inputs[0], hidden]))
    model = keras.models.Model(inputs=inputs, outputs=output)
    model.compile(loss="mse", optimizer="sgd")
    expected = model.predict([x, deep], verbose=0)
    np.testing.assert_array_equal(model.predict([wide, deep], verbose=0), expected)
    np.testing.assert_array_equal(model.predict({"wide": wide, "deep": deep}, verbose=0),
                                  expected)
    assert model.evaluate((wide, deep), y, verbose=0) == model.evaluate((x, deep), y, verbose=0)


def test_pydataset_is_sequence_and_keeps_the_reading_options():
    assert keras.utils.Sequence is keras.utils.PyDataset
    x, y, _ = data()
    dataset = Batches(x, y, workers=4, use_multiprocessing=True, max_queue_size=3)
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (4, True, 3)
    assert dataset.num_batches == 5
    model = new_model()
    model.fit(dataset, epochs=1, workers=2, use_multiprocessing=False, max_queue_size=4,
              verbose=0)
    assert model.evaluate(Batches(x, y), verbose=0) == \
        pytest.approx(model.evaluate(x, y, batch_size=BATCH, verbose=0))
    np.testing.assert_allclose(model.predict(Batches(x), verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_an_object_that_quacks_like_a_sequence_is_one():
    x, y, _ = data()

    class Plain:  # no base class: only __len__ and __getitem__
        def __len__(self):
            return 5

        def __getitem__(self, index):
            return x[index * BATCH:(index + 1) * BATCH], y[index * BATCH:(index + 1) * BATCH]

    by_array, by_plain = new_model(), new_model()
    by_array.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    by_plain.fit(Plain(), epochs=1, shuffle=False, verbose=0)
    assert same_weights(by_array, by_plain)


# ------------------------------------------------------------- memory maps
def test_a_memory_map_trains_exactly_as_the_same_array_in_memory(tmp_path):
    x, y, _ = data()
    mm = memmap(tmp_path, x)
    in_memory, mapped = new_model(), new_model()
    h1 = seeded_fit(in_memory, x, y, batch_size=BATCH, epochs=2, validation_split=0.25,
                    verbose=0)
    h2 = seeded_fit(mapped, mm, y, batch_size=BATCH, epochs=2, validation_split=0.25,
                    verbose=0)
    assert same_weights(in_memory, mapped)  # same shuffles: the same np.random draws
    assert h1.history == h2.history
    assert mapped.evaluate(mm, y, verbose=0) == in_memory.evaluate(x, y, verbose=0)
    np.testing.assert_array_equal(mapped.predict(mm, verbose=0), in_memory.predict(x, verbose=0))


def test_an_array_like_is_read_one_batch_at_a_time_in_increasing_row_order():
    x, y, w = data()
    xs, ys = Recording(x), Recording(y)
    model, reference = new_model(), new_model()
    seeded_fit(model, xs, ys, sample_weight=w, batch_size=BATCH, epochs=2,
               validation_split=0.2, verbose=0)
    seeded_fit(reference, x, y, sample_weight=w, batch_size=BATCH, epochs=2,
               validation_split=0.2, verbose=0)
    assert same_weights(model, reference)  # shuffled batches put back in their order
    model.evaluate(xs, ys, batch_size=BATCH, verbose=0)
    model.predict(xs, batch_size=BATCH, verbose=0)
    assert xs.largest == ys.largest == BATCH
    labels = list(y)  # NumPy scalars: one target array, not one array per output
    assert model.evaluate(xs, labels, batch_size=BATCH, verbose=0) == \
        model.evaluate(x, y, batch_size=BATCH, verbose=0)


def test_an_h5py_data_set_trains_exactly_as_the_same_array(tmp_path):
    h5py = pytest.importorskip("h5py")
    x, y, _ = data()
    with h5py.File(tmp_path / "data.h5", "w") as f:
        f["x"], f["y"] = x, y
        in_memory, from_file = new_model(), new_model()
        seeded_fit(in_memory, x, y, batch_size=BATCH, epochs=2, validation_split=0.2,
                   verbose=0)
        seeded_fit(from_file, f["x"], f["y"], batch_size=BATCH, epochs=2,
                   validation_split=0.2, verbose=0)  # shuffled: h5py needs sorted rows
        assert same_weights(in_memory, from_file)
        np.testing.assert_array_equal(from_file.predict(f["x"], verbose=0),
                                      in_memory.predict(x, verbose=0))


def test_memory_map_rows_are_read_from_the_file_as_through_the_map(tmp_path):
    x = np.arange(60 * 5, dtype="float32").reshape(60, 5)
    mm = memmap(tmp_path, x)
    views = {"the map": mm, "a window": mm[10:50], "every other row": mm[::2],
             "a plain ndarray view": np.asarray(mm)[5:],
             "columns (read through the map)": mm[:, 1:3]}
    for name, view in views.items():
        rows = np.array([7, 3, 4, 5, 0, 12])
        assert is_array_like(view), name
        assert file_location(view) is not None or name.startswith("columns")
        np.testing.assert_array_equal(read_rows(view, rows), np.asarray(view)[rows], name)
        np.testing.assert_array_equal(read_rows(view, slice(2, 9)), np.asarray(view)[2:9], name)
    in_memory = mm[:20].copy()  # still an np.memmap object, but in ordinary memory
    assert not is_array_like(in_memory)
    copy_on_write = np.load(tmp_path / "x.npy", mmap_mode="c")
    copy_on_write[3] = -1  # a change only in the map's own pages
    assert file_location(copy_on_write) is None
    np.testing.assert_array_equal(read_rows(copy_on_write, np.array([3]))[0], -1)
    np.testing.assert_array_equal(read_rows(copy_on_write, np.array([5, 3]))[1], -1)


# ----------------------------------------------------------------- bad input
def test_validation_split_needs_arrays():
    x, y, _ = data()
    with pytest.raises(ValueError, match="validation_split is only supported for arrays.*"
                                         "generator"):
        new_model().fit(batches_forever(x, y), steps_per_epoch=2, validation_split=0.2,
                        verbose=0)
    with pytest.raises(ValueError, match="validation_split is only supported for arrays.*"
                                         "Sequence"):
        new_model().fit(Batches(x, y), validation_split=0.2, verbose=0)


def test_bad_data_gets_an_error_naming_what_was_passed_and_what_is_accepted():
    x, y, _ = data()
    model = new_model()
    with pytest.raises(TypeError, match=r"call the generator function: fit\(batches_once"):
        model.fit(batches_once, verbose=0)
    with pytest.raises(TypeError, match="x must be a NumPy array.*got set"):
        model.fit({1.0, 2.0}, y, verbose=0)
    with pytest.raises(ValueError, match="the y argument is not supported when x is a "
                                         "generator"):
        model.fit(batches_once(x, y), y, verbose=0)
    with pytest.raises(ValueError, match=r"batch \d of the Sequence.*tuple of 4 items"):
        model.fit(Batches(x, y, y, y), epochs=1, verbose=0)
    with pytest.raises(ValueError, match='layer "dense".*expected shape=\\(None, 3\\), '
                                         'found shape=\\(8, 5\\)'):
        model.fit(batches_once(np.zeros((16, 5), "float32"), y[:16]), verbose=0)
    with pytest.raises(ValueError, match="batch 1 of the generator.*NaN"):
        bad = x.copy()
        bad[9, 0] = np.nan
        model.fit(batches_once(bad, y), verbose=0)
    with pytest.raises(ValueError, match="evaluate: the data gave no batch"):
        model.evaluate(iter([]), verbose=0)
