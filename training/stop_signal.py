"""Graceful stop on SIGTERM / SIGINT: finish the step, save a complete checkpoint, stop, say how to resume.

A cluster scheduler preempts a job with SIGTERM and kills it a little later; without this the work since
the last epoch checkpoint is lost. transformers has no such callback, hence this one. A second signal
while the checkpoint is being written stops at once (the default action).
"""

from __future__ import annotations

import signal
from types import FrameType

from transformers import TrainerCallback

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class TrainingStopped(Exception):
    """Training stopped early on a signal after saving a checkpoint; `exit_code` is 128 + the signal."""

    def __init__(self, signum: int, message: str) -> None:
        super().__init__(message)
        from isnad_tagger.errors import EXIT_SIGNAL_BASE

        self.signum = signum
        self.exit_code = EXIT_SIGNAL_BASE + signum


class StopOnSignal(TrainerCallback):
    """Trainer callback: a signal sets a flag; the next step end saves and stops (on every rank at the
    same step under torchrun, so no rank waits in a collective for one that has left). Also logs the
    loss at every save, so a resumed run can add up the loss of the steps before it (see whole_run_loss)."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "StopOnSignal":
        for number in SIGNALS:
            try:
                self._previous[number] = signal.signal(number, self._handle)
            except ValueError:  # not the main thread (e.g. a notebook worker): no graceful stop there
                pass
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def release(self) -> None:
        """Give the signals back their earlier handlers: once training is over, a signal stops at once."""
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:  # asked twice: stop now
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
        self.received = signum

    def _any_rank_received(self) -> bool:
        import torch
        import torch.distributed as dist

        flag = self.received is not None
        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")
            value = torch.tensor([1 if flag else 0], device=device)
            dist.all_reduce(value, op=dist.ReduceOp.MAX)
            flag = bool(value.item())
            if flag and self.received is None:
                self.received = signal.SIGTERM  # another rank got it: stop with it
        return flag

    def on_step_end(self, args, state, control, **kwargs):
        if self._any_rank_received():
            control.should_save = True
            control.should_training_stop = True
        if control.should_save:
            control.should_log = True  # the checkpoint's log history then covers every step before it
        return control


def whole_run_loss(resumed_loss: float, global_step: int, resumed_at: int, log_history: list[dict]) -> float:
    """Mean training loss over all steps of a run that was resumed at `resumed_at`: the Trainer reports
    only the mean of the steps after resuming. The steps before come from the checkpoint's logged losses
    (each the mean since the log before); a gap after the last log counts at that log's mean."""
    if resumed_at <= 0 or global_step <= 0:
        return resumed_loss
    before, last_step, last_loss = 0.0, 0, 0.0
    for entry in log_history:
        step = entry.get("step", 0)
        if "loss" in entry and last_step < step <= resumed_at:
            before += entry["loss"] * (step - last_step)
            last_step, last_loss = step, entry["loss"]
    before += last_loss * (resumed_at - last_step)
    return (before + resumed_loss * (global_step - resumed_at)) / global_step
