"""Shared fixtures: small models trained once per session on the repository's corpora."""

import pathlib

import pytest

import blazetext.fasttext as fasttext

CORPORA = pathlib.Path(__file__).resolve().parents[2] / "corpora"


@pytest.fixture(scope="session")
def corpora():
    return CORPORA


@pytest.fixture(scope="session")
def classifier():
    return fasttext.train_supervised(
        str(CORPORA / "sample-labelled.train"), dim=20, epoch=10, lr=0.5, thread=1, verbose=0
    )


@pytest.fixture(scope="session")
def vectors():
    return fasttext.train_unsupervised(
        str(CORPORA / "sample.txt"), dim=20, epoch=3, minCount=2, thread=2, verbose=0
    )
