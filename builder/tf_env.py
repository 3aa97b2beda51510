"""Import TensorFlow's Keras 2 (tf_keras), the only Keras whose models TF.js 4.22 can load.

Keras 3 writes `batch_shape` and DTypePolicy objects into the model config, which TF.js rejects
("An InputLayer should be passed either a batchInputShape or an inputShape"); tf_keras writes the
Keras 2 format. The variable must be set before TensorFlow is first imported.
"""

from __future__ import annotations

import os


def import_keras():
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info lines
    # tensorflowjs imports tensorflow_decision_forests, whose welcome banner imports IPython (not
    # installed) whenever stdout is not a terminal, e.g. under pytest.
    os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")
    import warnings

    # We save HDF5 on purpose: it is what tf_keras checkpoints and TF.js's converter read most simply.
    warnings.filterwarnings("ignore", message="You are saving your model as an HDF5 file")
    import tf_keras

    return tf_keras
