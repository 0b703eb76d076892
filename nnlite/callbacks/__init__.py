"""Callbacks (``keras.callbacks``): called by ``fit`` at the start and end of each epoch
and batch; the book's EarlyStopping, ModelCheckpoint, TensorBoard, schedulers …"""

from .callback import Callback, CallbackList
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .gradient_monitor import GradientMonitor
from .history import History
from .lambda_callback import LambdaCallback
from .learning_rate_scheduler import LearningRateScheduler
from .model_checkpoint import ModelCheckpoint
from .one_cycle import OneCycleScheduler
from .progbar_logger import ProgbarLogger
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .tensorboard import TensorBoard
from .terminate_on_nan import TerminateOnNaN

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "GradientMonitor",
           "CSVLogger", "EarlyStopping", "LambdaCallback", "LearningRateScheduler",
           "ModelCheckpoint", "OneCycleScheduler", "ReduceLROnPlateau", "TensorBoard",
           "TerminateOnNaN"]
