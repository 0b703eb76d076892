"""Callbacks (``keras.callbacks``)."""

from .callback import Callback, CallbackList
from .history import History
from .progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
from .gradient_monitor import GradientMonitor  # noqa: E402

__all__ += ["GradientMonitor"]
from .csv_logger import CSVLogger  # noqa: E402
from .early_stopping import EarlyStopping  # noqa: E402
from .lambda_callback import LambdaCallback  # noqa: E402
from .learning_rate_scheduler import LearningRateScheduler  # noqa: E402
from .model_checkpoint import ModelCheckpoint  # noqa: E402
from .one_cycle import OneCycleScheduler  # noqa: E402
from .reduce_lr_on_plateau import ReduceLROnPlateau  # noqa: E402
from .tensorboard import TensorBoard  # noqa: E402
from .terminate_on_nan import TerminateOnNaN  # noqa: E402

__all__ += ["CSVLogger", "EarlyStopping", "LambdaCallback", "LearningRateScheduler",
            "ModelCheckpoint", "OneCycleScheduler", "ReduceLROnPlateau", "TensorBoard",
            "TerminateOnNaN"]
