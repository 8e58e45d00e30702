"""fastText's keyword arguments → the library's training settings (its field names)."""

import json
import os

# fastText keyword → blazetext TrainConfig field.
FIELDS = {
    "lr": "learning_rate",
    "dim": "vector_dim",
    "ws": "window_size",
    "epoch": "epochs",
    "minCount": "min_count",
    "minCountLabel": "min_count_label",
    "minn": "min_char",
    "maxn": "max_char",
    "neg": "negative_samples",
    "wordNgrams": "word_ngrams",
    "loss": "loss",
    "bucket": "buckets",
    "thread": "threads",
    "t": "sampling_threshold",
    "label": "label_prefix",
    "seed": "seed",
}

# The library's option names as its messages spell them → fastText's keyword.
_FLAGS = {
    "--learning-rate": "lr",
    "--vector-dim": "dim",
    "--window-size": "ws",
    "--epochs": "epoch",
    "--min-count-label": "minCountLabel",
    "--min-count": "minCount",
    "--min-char": "minn",
    "--max-char": "maxn",
    "--negative-samples": "neg",
    "--word-ngrams": "wordNgrams",
    "--loss": "loss",
    "--buckets": "bucket",
    "--threads": "thread",
    "--sampling-threshold": "t",
    "--label-prefix": "label",
    "--pretrained-vectors": "pretrainedVectors",
}

# The exponent of fastText's negative-sampling table (`NEGATIVE_TABLE_SIZE` of counts^0.5).
FASTTEXT_NS_EXPONENT = 0.5

AUTOTUNE = (
    "autotuneValidationFile",
    "autotuneMetric",
    "autotunePredictions",
    "autotuneDuration",
    "autotuneModelSize",
)


def default_threads():
    """fastText's default: every core but one."""
    return max(1, (os.cpu_count() or 2) - 1)


def to_settings(kwargs, supervised):
    """JSON settings for the native trainer from fastText's keyword arguments."""
    settings = {}
    for name, value in kwargs.items():
        if name in FIELDS:
            settings[FIELDS[name]] = value
        elif name == "pretrainedVectors":
            if value:
                settings["pretrained_vectors"] = os.fspath(value)
        elif name in AUTOTUNE:
            # Tuning starts only with a validation file; the other autotune settings need one.
            if name == "autotuneValidationFile" and value:
                raise ValueError(f"{name}: automatic hyperparameter tuning is not available yet")
        elif name == "lrUpdateRate":
            # fastText's learning-rate update granularity; blazetext updates it continuously.
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"lrUpdateRate: must be a positive integer, got {value!r}")
        else:
            raise TypeError(f"unexpected keyword argument {name!r}")
    for name in ("minn", "maxn"):
        if name in kwargs and (not isinstance(kwargs[name], int) or kwargs[name] < 0):
            raise ValueError(f"{name}: must be a non-negative integer, got {kwargs[name]!r}")
    settings["subwords"] = kwargs.get("maxn", 0) > 0
    # fastText draws negatives from counts^0.5 (blazetext's own default is word2vec's 0.75).
    settings["ns_exponent"] = FASTTEXT_NS_EXPONENT
    if supervised:
        # fastText never subsamples supervised data; a label count of 0 and 1 keep the same labels.
        settings.pop("sampling_threshold", None)
        settings["min_count_label"] = max(1, settings.get("min_count_label", 1))
        if settings.get("word_ngrams", 1) <= 1 and not settings["subwords"]:
            settings["buckets"] = 0
    return json.dumps(settings)


def name_parameter(error):
    """The same ValueError, naming fastText's keyword where the message names a library option."""
    message = str(error)
    for name, field in FIELDS.items():
        if message.startswith(field + ":"):
            return ValueError(f"{name}: {message}")
    for flag, name in _FLAGS.items():
        if flag in message:
            return ValueError(f"{name}: {message}")
    return error
