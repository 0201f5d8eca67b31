"""A stand-in for the Lambda Python runtime, run by a clean interpreter (``python -I -S``)
for the deploy rehearsal: it sees only the unzipped deployment package (``/var/task``)
and a runtime directory holding what Lambda's runtime provides (boto3, botocore and
``snapshot_restore_py``), never the project's virtual environment.

    python -I -S lambda_runtime.py TASK_DIR RUNTIME_DIR HANDLER

It imports HANDLER ("module.attribute") as Lambda's init phase does; with SnapStart
(AWS_LAMBDA_INITIALIZATION_TYPE=snap-start) it then runs the registered before-snapshot
and after-restore hooks, as a snapshot and a restore would. Then it reads one API
Gateway proxy event (or a call of a package function) per line on stdin and writes the
result as one JSON line on stdout; what the function prints goes to stderr, its log.
The first line written reports the init: {"init": "ok"} or the error.
"""

import json
import os
import sys
import time
import traceback
import uuid

task_dir, runtime_dir, handler_name = sys.argv[1:4]
# The function's own output (its JSON log lines) goes where Lambda's would, to the log:
# here stderr. The replies travel on the original stdout.
replies = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr
sys.path[:0] = [task_dir, runtime_dir]
os.chdir(task_dir)


class LambdaContext:
    """The attributes of the context object that Lambda passes to a handler."""

    def __init__(self, timeout_seconds: float) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "1")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:::function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "rehearsal"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def emit(message: object) -> None:
    replies.write(json.dumps(message) + "\n")
    replies.flush()


try:
    module_name, attribute = handler_name.rsplit(".", 1)
    handler = getattr(__import__(module_name, fromlist=[attribute]), attribute)
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
        import snapshot_restore_py

        for hook, args, kwargs in snapshot_restore_py.get_before_snapshot():
            hook(*args, **kwargs)
        for hook, args, kwargs in snapshot_restore_py.get_after_restore():
            hook(*args, **kwargs)
    loaded = sorted(
        name
        for name, module in sys.modules.items()
        if getattr(module, "__file__", None) and "." not in name
    )
    emit({"init": "ok", "modules": loaded, "path": [str(p) for p in sys.path]})
except BaseException:
    emit({"init": traceback.format_exc()})
    sys.exit(1)

timeout = float(os.environ.get("REHEARSAL_FUNCTION_TIMEOUT", "10"))
for line in sys.stdin:
    message = json.loads(line)
    try:
        if "invoke" in message:
            # A function of the package called directly, as `manage.py createsuperuser`
            # does against a deployed stage's tables.
            module_name, function_name = message["invoke"].split(":")
            function = getattr(__import__(module_name, fromlist=[function_name]), function_name)
            emit({"result": repr(function(*message.get("args", ())))})
        else:
            emit({"result": handler(message, LambdaContext(timeout))})
    except BaseException:
        emit({"error": traceback.format_exc()})
